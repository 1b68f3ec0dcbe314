// The broker's view of topics: an in-memory copy of the topic metadata held in PostgreSQL,
// changed only through here so that the metadata store, the partition logs and this cache stay in step.
import { randomUUID } from "node:crypto";
import { ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import { validateTopicConfigs } from "./topic-configs.js";

export interface PartitionState {
  readonly index: number;
  leaderId: number;
  leaderEpoch: number;
}

export interface TopicState {
  readonly name: string;
  readonly topicId: string;
  readonly partitions: PartitionState[];
  /** Only the configs set on the topic; defaults come from topic-configs.ts. */
  configs: Map<string, string>;
  readonly internal: boolean;
}

/** What the registry needs from the metadata store. */
export interface TopicStore {
  createTopic(topic: {
    name: string;
    topicId: string;
    partitions: number;
    configs: Record<string, string>;
    leaderId?: readonly number[];
  }): Promise<void>;
  deleteTopic(name: string): Promise<void>;
  createPartitions(name: string, totalCount: number, leaderId?: readonly number[]): Promise<void>;
  replaceTopicConfigs(name: string, configs: Record<string, string>): Promise<void>;
  listTopics(): Promise<
    {
      name: string;
      topicId: string;
      partitions: { index: number; leaderId: number; leaderEpoch: number }[];
      configs: Record<string, string>;
    }[]
  >;
}

/** What the registry needs from the partition logs. */
export interface TopicLogs {
  createPartitions(topic: TopicState, fromIndex: number): Promise<void>;
  deleteTopic(topic: TopicState): Promise<void>;
}

export interface CreateTopicOptions {
  name: string;
  /** -1 means the broker's default (num.partitions). */
  partitions: number;
  configs: Map<string, string>;
  validateOnly?: boolean;
}

/** Kafka's rule for legal topic names. */
export function topicNameError(name: string): string | null {
  if (name.length === 0) return "Topic name is empty";
  if (name === "." || name === "..") return `Topic name cannot be "." or ".."`;
  if (name.length > 249) return "Topic name is longer than 249 characters";
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return null;
}

const MAX_PARTITIONS = 10_000;

export class TopicRegistry {
  private readonly byName = new Map<string, TopicState>();
  private readonly byId = new Map<string, TopicState>();
  /** Serialises changes so two clients creating the same topic get one winner. */
  private changes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: TopicStore,
    private readonly logs: TopicLogs,
    private readonly options: {
      brokerId: number;
      defaultPartitions: number;
      /** Leaders for `count` new partitions (the least-loaded live brokers). */
      placeLeaders?: (count: number) => number[];
    },
  ) {}

  /** Reads every topic from the store; with several brokers, also picks up what the others
   *  created, deleted or grew. Returns the ids of topics that disappeared. */
  load(): Promise<string[]> {
    return this.serialise(async () => {
      const seen = new Set<string>();
      for (const stored of await this.store.listTopics()) {
        seen.add(stored.topicId);
        const partitions = stored.partitions
          .sort((a, b) => a.index - b.index)
          .map((p) => ({ index: p.index, leaderId: p.leaderId, leaderEpoch: p.leaderEpoch }));
        const known = this.byId.get(stored.topicId);
        if (known) {
          known.partitions.splice(0, known.partitions.length, ...partitions);
          known.configs = new Map(Object.entries(stored.configs));
          continue;
        }
        const sameName = this.byName.get(stored.name);
        if (sameName) this.forget(sameName); // deleted and re-created elsewhere
        this.remember({
          name: stored.name,
          topicId: stored.topicId,
          partitions,
          configs: new Map(Object.entries(stored.configs)),
          internal: stored.name.startsWith("__"),
        });
      }
      const removed = [...this.byId.values()].filter((topic) => !seen.has(topic.topicId));
      for (const topic of removed) this.forget(topic);
      return removed.map((topic) => topic.topicId);
    });
  }

  private forget(topic: TopicState): void {
    this.byName.delete(topic.name);
    this.byId.delete(topic.topicId);
  }

  private placeLeaders(count: number): number[] {
    return this.options.placeLeaders?.(count) ?? Array.from({ length: count }, () => this.options.brokerId);
  }

  get(name: string): TopicState | undefined {
    return this.byName.get(name);
  }

  getById(topicId: string): TopicState | undefined {
    return this.byId.get(topicId);
  }

  list(): TopicState[] {
    return [...this.byName.values()];
  }

  private remember(topic: TopicState): void {
    this.byName.set(topic.name, topic);
    this.byId.set(topic.topicId, topic);
  }

  private serialise<T>(change: () => Promise<T>): Promise<T> {
    const next = this.changes.then(change, change);
    this.changes = next.catch(() => undefined);
    return next;
  }

  create(options: CreateTopicOptions): Promise<TopicState> {
    return this.serialise(async () => {
      const nameError = topicNameError(options.name);
      if (nameError) throw new KafkaProtocolError(ErrorCode.INVALID_TOPIC_EXCEPTION, nameError);
      if (this.byName.has(options.name)) {
        throw new KafkaProtocolError(
          ErrorCode.TOPIC_ALREADY_EXISTS,
          `Topic '${options.name}' already exists.`,
        );
      }
      const partitions = options.partitions === -1 ? this.options.defaultPartitions : options.partitions;
      if (partitions < 1 || partitions > MAX_PARTITIONS) {
        throw new KafkaProtocolError(
          ErrorCode.INVALID_PARTITIONS,
          `Number of partitions must be between 1 and ${MAX_PARTITIONS}, or -1 for the default`,
        );
      }
      const configError = validateTopicConfigs(options.configs);
      if (configError) throw new KafkaProtocolError(ErrorCode.INVALID_CONFIG, configError);
      const leaders = this.placeLeaders(partitions);
      const topic: TopicState = {
        name: options.name,
        topicId: randomUUID(),
        partitions: Array.from({ length: partitions }, (_, index) => ({
          index,
          leaderId: leaders[index] ?? -1,
          leaderEpoch: 0,
        })),
        configs: new Map(options.configs),
        internal: options.name.startsWith("__"),
      };
      if (options.validateOnly) return topic;
      await this.store.createTopic({
        name: topic.name,
        topicId: topic.topicId,
        partitions,
        configs: Object.fromEntries(topic.configs),
        leaderId: leaders,
      });
      await this.logs.createPartitions(topic, 0);
      this.remember(topic);
      return topic;
    });
  }

  delete(name: string): Promise<void> {
    return this.serialise(async () => {
      const topic = this.byName.get(name);
      if (!topic)
        throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist`);
      await this.store.deleteTopic(name);
      this.byName.delete(name);
      this.byId.delete(topic.topicId);
      await this.logs.deleteTopic(topic);
    });
  }

  addPartitions(name: string, totalCount: number, validateOnly: boolean): Promise<void> {
    return this.serialise(async () => {
      const topic = this.byName.get(name);
      if (!topic)
        throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist`);
      const current = topic.partitions.length;
      if (totalCount <= current) {
        throw new KafkaProtocolError(
          ErrorCode.INVALID_PARTITIONS,
          `Topic currently has ${current} partitions, ${totalCount} would not be an increase.`,
        );
      }
      if (totalCount > MAX_PARTITIONS) {
        throw new KafkaProtocolError(
          ErrorCode.INVALID_PARTITIONS,
          `At most ${MAX_PARTITIONS} partitions per topic`,
        );
      }
      if (validateOnly) return;
      const leaders = this.placeLeaders(totalCount - current);
      await this.store.createPartitions(name, totalCount, leaders);
      for (let index = current; index < totalCount; index++) {
        topic.partitions.push({ index, leaderId: leaders[index - current] ?? -1, leaderEpoch: 0 });
      }
      await this.logs.createPartitions(topic, current);
    });
  }

  /** Replaces the topic's explicit config overrides (validated by the caller). */
  setConfigs(name: string, configs: Map<string, string>): Promise<void> {
    return this.serialise(async () => {
      const topic = this.byName.get(name);
      if (!topic)
        throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist`);
      await this.store.replaceTopicConfigs(name, Object.fromEntries(configs));
      topic.configs = new Map(configs);
    });
  }
}
