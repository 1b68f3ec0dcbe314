// The engines a producer or consumer can run on, with the names people know them by. The values
// mirror the API's `engines` list, which only the server may import; `satisfies` keeps them in step.
import type { RouterInputs } from "~/trpc/react";

export type Engine = RouterInputs["ownership"]["declareClient"]["engine"];

export const ENGINES = [
  { value: "flink", label: "Flink" },
  { value: "spark", label: "Spark Structured Streaming" },
  { value: "kafka-streams", label: "Kafka Streams" },
  { value: "kafka-connect", label: "Kafka Connect" },
  { value: "service", label: "Service" },
] as const satisfies readonly { value: Engine; label: string }[];

export function engineLabel(engine: string): string {
  return ENGINES.find((candidate) => candidate.value === engine)?.label ?? engine;
}
