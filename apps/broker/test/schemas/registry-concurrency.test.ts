// Registrations racing over one database: registries with their own connection pools (as separate
// brokers have) and two real broker processes register the same schemas at once, and still get one
// global id per schema and one version per schema and subject, with versions dense.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterProcesses } from "../support/cluster-processes.js";
import {
  type RegistryClient,
  type RegistryFixture,
  registryClient,
  registryFixture,
} from "./registry-fixture.js";

const schemaNamed = (name: string, fields = [{ name: "id", type: "long" }]) =>
  JSON.stringify({ type: "record", name, namespace: "race", fields });

async function registerOk(client: RegistryClient, subject: string, schema: string): Promise<number> {
  const response = await client.request("POST", `/subjects/${subject}/versions`, { schema });
  expect(response.status, response.text).toBe(200);
  return (response.body as { id: number }).id;
}

describe("concurrent registrations through registries sharing one database", () => {
  let registry: RegistryFixture;
  let peers: RegistryClient[];
  beforeAll(async () => {
    registry = await registryFixture();
    peers = [registry, await registry.openPeer(), await registry.openPeer()];
  });
  afterAll(async () => {
    await registry?.cleanup();
  });

  it("gives the same schema, registered at once into one subject many times, one id and one version", async () => {
    for (let round = 0; round < 5; round += 1) {
      const subject = `same-subject-${round}`;
      const schema = schemaNamed(`Same${round}`);
      const ids = await Promise.all(
        Array.from({ length: 12 }, (_, index) => registerOk(peers[index % peers.length]!, subject, schema)),
      );
      expect(new Set(ids).size).toBe(1);
      expect((await registry.request("GET", `/subjects/${subject}/versions`)).body).toEqual([1]);
    }
  });

  it("gives the same schema, registered at once into many subjects, one id and version 1 in each", async () => {
    const schema = schemaNamed("Shared");
    const subjects = Array.from({ length: 12 }, (_, index) => `shared-${index}`);
    const ids = await Promise.all(
      subjects.map((subject, index) => registerOk(peers[index % peers.length]!, subject, schema)),
    );
    expect(new Set(ids).size).toBe(1);
    const versions = (await registry.request("GET", `/schemas/ids/${ids[0]}/versions`)).body;
    expect(versions).toEqual(subjects.toSorted().map((subject) => ({ subject, version: 1 })));
    const rows = await registry.query<{ count: number }>(
      "SELECT count(*)::int AS count FROM registry_schemas WHERE schema LIKE '%Shared%'",
    );
    expect(rows[0]?.count).toBe(1);
  });

  it("numbers different schemas registered at once into one subject densely, each once", async () => {
    const subject = "many-schemas";
    await registry.request("PUT", `/config/${subject}`, { compatibility: "NONE" });
    const schemas = Array.from({ length: 15 }, (_, index) => schemaNamed(`Distinct${index}`));
    // Every schema twice, from different registries.
    const ids = await Promise.all(
      [...schemas, ...schemas].map((schema, index) =>
        registerOk(peers[index % peers.length]!, subject, schema),
      ),
    );
    expect(ids.slice(0, schemas.length)).toEqual(ids.slice(schemas.length));
    const versions = (await registry.request("GET", `/subjects/${subject}/versions`)).body as number[];
    expect(versions).toEqual(Array.from({ length: schemas.length }, (_, index) => index + 1));
    const idsByVersion = await Promise.all(
      versions.map(
        async (version) =>
          ((await registry.request("GET", `/subjects/${subject}/versions/${version}`)).body as { id: number })
            .id,
      ),
    );
    expect(new Set(idsByVersion)).toEqual(new Set(ids));
  });
});

describe("two broker processes over one database", () => {
  let cluster: ClusterProcesses;
  let clients: RegistryClient[];
  beforeAll(async () => {
    cluster = await ClusterProcesses.start(2);
    clients = cluster.brokers.map((broker) => registryClient(`http://127.0.0.1:${broker.httpPort}`));
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("register the same schema at once and get one id; each broker then serves it", async () => {
    for (let round = 0; round < 3; round += 1) {
      const schema = schemaNamed(`Brokers${round}`);
      const ids = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          registerOk(clients[index % clients.length]!, `brokers-${round}-${index % 3}`, schema),
        ),
      );
      expect(new Set(ids).size).toBe(1);
      for (const client of clients) {
        expect((await client.request("GET", `/schemas/ids/${ids[0]}`)).body).toMatchObject({
          schema: expect.stringContaining(`Brokers${round}`),
        });
        for (let subject = 0; subject < 3; subject += 1) {
          expect(
            (await client.request("GET", `/subjects/brokers-${round}-${subject}/versions`)).body,
          ).toEqual([1]);
        }
      }
    }
  });
});
