// Next.js settings: the console is a standalone server. Its server side (@streambed/api with
// Prisma, kafkajs and the protocol codecs) is loaded by Node at run time, not bundled — see
// src/server/console-server.ts; the design system is compiled from source.
import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  transpilePackages: ["@streambed/ui"],
};

export default config;
