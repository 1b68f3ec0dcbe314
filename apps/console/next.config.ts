// Next.js settings: the console is a standalone server reading its cluster from the environment.
import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  // kafkajs runs only on the server, in the tRPC route handler.
  serverExternalPackages: ["kafkajs"],
};

export default config;
