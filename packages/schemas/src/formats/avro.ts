export * from "./avro/index.js";
