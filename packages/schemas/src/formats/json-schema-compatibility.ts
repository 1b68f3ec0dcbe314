// Kept so existing imports keep working; the reader/writer comparison lives in json-schema/.
export * from "./json-schema/index.js";
