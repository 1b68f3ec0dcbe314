// AlterConfigs: the request's configs become all of a topic's overrides (those left out go back to their
// defaults); broker configs are static. Also the per-resource steps IncrementalAlterConfigs shares.
import { ApiKey, ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import { auditAdminChange } from "../security/admin-audit.js";
import { checkConfigResourceAuthorization } from "../security/request-authorization.js";
import { ConfigResourceType } from "../topics/config-values.js";
import { AlterConfigOp, replacedTopicOverrides } from "../topics/topic-configs.js";
import { topicNameError } from "../topics/topic-registry.js";
import { defineApi, type RequestContext } from "./handler.js";

export const alterConfigsApi = defineApi(
  ApiKey.AlterConfigs,
  { min: 0, max: 2 },
  async (context, request) => ({
    throttleTimeMs: 0,
    responses: await alterTopicResources(
      context,
      request.resources,
      request.validateOnly,
      (current, resource) => replacedTopicOverrides(current, resource.configs),
    ),
  }),
);

interface AlterableResource {
  readonly resourceType: number;
  readonly resourceName: string;
  /** AlterConfigs has no operation: every entry is a SET. */
  readonly configs: readonly { name: string; value: string | null; configOperation?: number }[];
}

export interface AlterResourceResult {
  resourceType: number;
  resourceName: string;
  errorCode: number;
  errorMessage: string | null;
}

/** Alterations run one at a time so that none computes its overrides from a set another is replacing. */
let alterations: Promise<unknown> = Promise.resolve();

function serialised<T>(change: () => Promise<T>): Promise<T> {
  const next = alterations.then(change, change);
  alterations = next.catch(() => undefined);
  return next;
}

/**
 * Checks each resource as Kafka does (duplicates, config keys, null values, resource type, topic name), then
 * computes the topic's new overrides and stores them unless validateOnly. One result per resource, in order.
 */
export async function alterTopicResources<R extends AlterableResource>(
  context: RequestContext,
  resources: readonly R[],
  validateOnly: boolean,
  nextOverrides: (current: ReadonlyMap<string, string>, resource: R) => Map<string, string>,
): Promise<AlterResourceResult[]> {
  const counts = new Map<string, number>();
  const key = (resource: R) => `${resource.resourceType}:${resource.resourceName}`;
  for (const resource of resources) counts.set(key(resource), (counts.get(key(resource)) ?? 0) + 1);
  const results: AlterResourceResult[] = [];
  for (const resource of resources) {
    const { resourceType, resourceName } = resource;
    try {
      if ((counts.get(key(resource)) ?? 0) > 1) {
        throw new KafkaProtocolError(ErrorCode.INVALID_REQUEST, "Each resource must appear at most once.");
      }
      checkConfigResourceAuthorization(context, "ALTER_CONFIGS", resourceType, resourceName);
      checkConfigEntries(resource.configs);
      checkTopicResource(resourceType, resourceName);
      await serialised(async () => {
        const topic = context.broker.topics.get(resourceName);
        if (!topic) {
          const message = `The topic '${resourceName}' does not exist.`;
          throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message);
        }
        const next = nextOverrides(topic.configs, resource);
        if (validateOnly) return;
        const overridesBefore = topic.configs; // setConfigs replaces the map
        await context.broker.topics.setConfigs(resourceName, next);
        context.log.info({ topic: resourceName, configs: Object.fromEntries(next) }, "altered topic configs");
        await auditAdminChange(context, {
          action: "kafka.configs.alter",
          target: `topic:${resourceName}`,
          ...changedOverrides(overridesBefore, next),
        });
      });
      results.push({ resourceType, resourceName, errorCode: ErrorCode.NONE, errorMessage: null });
    } catch (error) {
      if (!(error instanceof KafkaProtocolError)) throw error;
      results.push({ resourceType, resourceName, errorCode: error.code, errorMessage: error.message });
    }
  }
  return results;
}

/** The overrides that changed, old and new (null where there was or is none, i.e. the default). */
function changedOverrides(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): { before: { configs: Record<string, string | null> }; after: { configs: Record<string, string | null> } } {
  const changed = { before: { configs: {} }, after: { configs: {} } } as ReturnType<typeof changedOverrides>;
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const oldValue = before.get(name) ?? null;
    const newValue = after.get(name) ?? null;
    if (oldValue === newValue) continue;
    changed.before.configs[name] = oldValue;
    changed.after.configs[name] = newValue;
  }
  return changed;
}

function checkConfigEntries(configs: AlterableResource["configs"]): void {
  const names = new Set(configs.map((config) => config.name));
  if (names.size !== configs.length) {
    throw new KafkaProtocolError(ErrorCode.INVALID_REQUEST, "Error due to duplicate config keys");
  }
  const nullValues = configs
    .filter((config) => config.value === null && config.configOperation !== AlterConfigOp.DELETE)
    .map((config) => config.name);
  if (nullValues.length > 0) {
    throw new KafkaProtocolError(
      ErrorCode.INVALID_REQUEST,
      `Null value not supported for : ${nullValues.join(", ")}`,
    );
  }
}

function checkTopicResource(resourceType: number, name: string): void {
  switch (resourceType) {
    case ConfigResourceType.TOPIC:
      break;
    case ConfigResourceType.BROKER:
      throw new KafkaProtocolError(
        ErrorCode.INVALID_REQUEST,
        "Broker configs are static in Streambed; set them at start-up (flags or STREAMBED_* environment variables)",
      );
    case ConfigResourceType.BROKER_LOGGER:
      throw new KafkaProtocolError(
        ErrorCode.INVALID_REQUEST,
        "Broker log levels are static in Streambed; set --log-level at start-up",
      );
    default:
      throw new KafkaProtocolError(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${resourceType}`);
  }
  if (name === "")
    throw new KafkaProtocolError(ErrorCode.INVALID_REQUEST, "Default topic resources are not allowed.");
  const nameError = topicNameError(name);
  if (nameError) throw new KafkaProtocolError(ErrorCode.INVALID_TOPIC_EXCEPTION, nameError);
}
