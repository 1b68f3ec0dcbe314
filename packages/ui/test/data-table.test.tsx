import { describe, expect, it } from "vitest";
import { type Column, DataTable } from "../src/data-table";
import { attribute, elements, openingTags, render, textOf } from "./html";

interface Topic {
  name: string;
  partitions: number;
}

const topics: Topic[] = Array.from({ length: 57 }, (_, index) => ({
  name: `topic-${index + 1}`,
  partitions: (index % 7) + 1,
}));

const columns: Column<Topic>[] = [
  {
    key: "name",
    header: "Name",
    cell: (topic) => <a href={`/topics/${topic.name}`}>{topic.name}</a>,
    sortValue: (topic) => topic.name,
    filterValue: (topic) => topic.name,
  },
  {
    key: "partitions",
    header: "Partitions",
    cell: (topic) => topic.partitions,
    sortValue: (topic) => topic.partitions,
    align: "end",
    width: "8rem",
  },
  { key: "status", header: "Status", cell: () => "ok" },
];

function renderTopics(overrides: Partial<Parameters<typeof DataTable<Topic>>[0]> = {}): string {
  return render(
    <DataTable
      label="Topics"
      rows={topics}
      columns={columns}
      rowKey={(topic) => topic.name}
      rowTestId={(topic) => `topic-row-${topic.name}`}
      {...overrides}
    />,
  );
}

describe("DataTable", () => {
  it("names the table and renders a header per column, sortable ones as buttons", () => {
    const html = renderTopics();
    expect(attribute(openingTags(html, "table")[0] ?? "", "aria-label")).toBe("Topics");
    const headers = elements(html, "th");
    expect(headers.map(textOf).map((text) => text.replace(/[▲▼↕]/g, "").trim())).toEqual([
      "Name",
      "Partitions",
      "Status",
    ]);
    expect(headers[0]).toContain("<button");
    expect(headers[1]).toContain("<button");
    expect(headers[2]).not.toContain("<button");
    expect(attribute(openingTags(html, "th")[1] ?? "", "style")).toBe("width:8rem");
  });

  it("marks only the initially sorted column with aria-sort and orders rows by it", () => {
    const html = renderTopics({ initialSort: { column: "partitions", direction: "descending" } });
    const headerTags = openingTags(html, "th");
    expect(headerTags.map((tag) => attribute(tag, "aria-sort"))).toEqual([
      undefined,
      "descending",
      undefined,
    ]);
    const rowIds = openingTags(html, "tr")
      .map((tag) => attribute(tag, "data-testid"))
      .filter((id) => id !== undefined);
    // Partitions run 1..7 by index, so the 7s come first: topics 7, 14, 21, …
    expect(rowIds.slice(0, 3)).toEqual(["topic-row-topic-7", "topic-row-topic-14", "topic-row-topic-21"]);
  });

  it("sorts names naturally when asked to sort ascending by name", () => {
    const html = renderTopics({ initialSort: { column: "name", direction: "ascending" }, pageSize: 3 });
    const rowIds = openingTags(html, "tr").flatMap((tag) => attribute(tag, "data-testid") ?? []);
    expect(rowIds).toEqual(["topic-row-topic-1", "topic-row-topic-2", "topic-row-topic-3"]);
  });

  it("shows only the first page and says which rows it holds", () => {
    const html = renderTopics();
    const rows = openingTags(html, "tr").filter((tag) => attribute(tag, "data-testid"));
    expect(rows).toHaveLength(25);
    expect(html).not.toContain("topic-row-topic-26");
    const navigation = elements(html, "nav")[0] ?? "";
    expect(attribute(openingTags(html, "nav")[0] ?? "", "aria-label")).toBe("Topics pages");
    expect(textOf(navigation)).toContain("1–25 of 57");
    const [previous, next] = openingTags(navigation, "button");
    expect(textOf(navigation)).toMatch(/Previous.*Next/);
    expect(attribute(previous ?? "", "aria-disabled")).toBe("true");
    expect(attribute(next ?? "", "aria-disabled")).toBeUndefined();
  });

  it("hides the pagination when every row fits on one page", () => {
    const html = renderTopics({ pageSize: 100 });
    expect(openingTags(html, "nav")).toEqual([]);
    expect(openingTags(html, "tr").filter((tag) => attribute(tag, "data-testid"))).toHaveLength(57);
  });

  it("labels the filter input after the table, and leaves it out when asked or when nothing is filterable", () => {
    const html = renderTopics();
    const label = openingTags(html, "label")[0] ?? "";
    const input = openingTags(html, "input")[0] ?? "";
    expect(textOf(elements(html, "label")[0] ?? "")).toBe("Filter Topics");
    expect(attribute(label, "for")).toBe(attribute(input, "id"));
    expect(attribute(input, "type")).toBe("search");
    expect(openingTags(renderTopics({ filterable: false }), "input")).toEqual([]);
    const unfilterable = columns.map(({ filterValue: _ignored, ...column }) => column);
    expect(openingTags(renderTopics({ columns: unfilterable }), "input")).toEqual([]);
  });

  it("shows the empty content instead of a table when there are no rows", () => {
    const html = renderTopics({ rows: [], empty: <p>No topics yet.</p> });
    expect(html).toContain("<p>No topics yet.</p>");
    expect(openingTags(html, "table")).toEqual([]);
  });

  it("aligns end-aligned columns in headers and cells", () => {
    const html = renderTopics({ pageSize: 1 });
    const cells = openingTags(html, "td");
    expect(attribute(cells[1] ?? "", "class")).toContain("sb-align-end");
    expect(attribute(cells[0] ?? "", "class")).toBeUndefined();
  });
});
