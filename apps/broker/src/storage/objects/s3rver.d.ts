// The part of s3rver's API the embedded endpoint uses; the package ships no typings.
declare module "s3rver" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  interface S3rverBucket {
    name: string;
    /** CORS or website configuration documents. */
    configs?: (string | Buffer)[];
  }

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    /** Where objects are kept on disk. */
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    serviceEndpoint?: string;
    configureBuckets?: S3rverBucket[];
  }

  class S3rver {
    constructor(options?: S3rverOptions);
    /** Creates the configured buckets (what run() does before listening). */
    configureBuckets(): Promise<void>;
    /** The request handler, for an HTTP server of one's own. */
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
  }

  export = S3rver;
}
