import { describe, expect, it } from "vitest";
import { Badge } from "../src/badge";
import { BarMeter } from "../src/bar-meter";
import { Button } from "../src/button";
import { Dialog } from "../src/dialog";
import { PageHeader, Section, Stat, StatGrid } from "../src/layout";
import { EmptyState, ErrorState, Loading } from "../src/states";
import { attribute, elements, openingTags, render, textOf } from "./html";

describe("Button", () => {
  it("is a non-submitting secondary button by default", () => {
    const tag = openingTags(render(<Button>Refresh</Button>), "button")[0] ?? "";
    expect(attribute(tag, "type")).toBe("button");
    expect(attribute(tag, "class")).toBe("sb-button sb-button-secondary");
    expect(attribute(tag, "disabled")).toBeUndefined();
  });

  it("when busy is disabled, announces aria-busy and shows a spinner", () => {
    const html = render(
      <Button variant="primary" busy>
        Save
      </Button>,
    );
    const tag = openingTags(html, "button")[0] ?? "";
    expect(attribute(tag, "disabled")).toBe("");
    expect(attribute(tag, "aria-busy")).toBe("true");
    expect(html).toContain('<span class="sb-spinner" aria-hidden="true"></span>');
  });
});

describe("Badge", () => {
  it("carries its tone as a class and its title", () => {
    const tag =
      openingTags(
        render(
          <Badge tone="danger" title="No leader">
            leaderless
          </Badge>,
        ),
        "span",
      )[0] ?? "";
    expect(attribute(tag, "class")).toBe("sb-badge sb-tone-danger");
    expect(attribute(tag, "title")).toBe("No leader");
  });
});

describe("BarMeter", () => {
  it("is a meter with its range, value and a percentage as value text", () => {
    const tag =
      openingTags(render(<BarMeter value={3} max={4} label="Retention vs. replay window" />), "div")[0] ?? "";
    expect(attribute(tag, "role")).toBe("meter");
    expect(attribute(tag, "aria-label")).toBe("Retention vs. replay window");
    expect([
      attribute(tag, "aria-valuemin"),
      attribute(tag, "aria-valuenow"),
      attribute(tag, "aria-valuemax"),
    ]).toEqual(["0", "3", "4"]);
    expect(attribute(tag, "aria-valuetext")).toBe("75%");
  });

  it("keeps aria-valuenow within range and fills the bar when the value passes max", () => {
    const html = render(<BarMeter value={10} max={4} label="Retention" valueText="10 d of 4 d" />);
    const [meter, fill] = openingTags(html, "div");
    expect(attribute(meter ?? "", "aria-valuenow")).toBe("4");
    expect(attribute(meter ?? "", "aria-valuetext")).toBe("10 d of 4 d");
    expect(attribute(fill ?? "", "style")).toBe("width:100%");
  });
});

describe("states", () => {
  it("Loading is a status with its label", () => {
    const html = render(<Loading label="Loading topics…" />);
    expect(attribute(openingTags(html, "div")[0] ?? "", "role")).toBe("status");
    expect(textOf(html)).toBe("Loading topics…");
  });

  it("ErrorState is an alert and offers Retry only when it can retry", () => {
    const withRetry = render(
      <ErrorState title="Cluster not answering" message="timeout" onRetry={() => {}} />,
    );
    expect(attribute(openingTags(withRetry, "div")[0] ?? "", "role")).toBe("alert");
    expect(textOf(elements(withRetry, "button")[0] ?? "")).toBe("Retry");
    const withoutRetry = render(<ErrorState title="Cluster not answering" message="timeout" />);
    expect(openingTags(withoutRetry, "button")).toEqual([]);
    expect(textOf(withoutRetry)).toBe("Cluster not answeringtimeout");
  });

  it("EmptyState shows its title, explanation and action", () => {
    const html = render(
      <EmptyState title="No topics yet" action={<Button>Create topic</Button>}>
        Create one with any Kafka client.
      </EmptyState>,
    );
    expect(textOf(html)).toBe("No topics yetCreate one with any Kafka client.Create topic");
  });
});

describe("layout", () => {
  it("PageHeader renders the page's h1 with description and actions", () => {
    const html = render(
      <PageHeader title="Topics" description="All topics" actions={<Button>New</Button>} />,
    );
    expect(textOf(elements(html, "h1")[0] ?? "")).toBe("Topics");
    expect(textOf(html)).toBe("TopicsAll topicsNew");
  });

  it("Section is named by its h2", () => {
    const html = render(<Section title="Brokers">content</Section>);
    const section = openingTags(html, "section")[0] ?? "";
    const heading = openingTags(html, "h2")[0] ?? "";
    expect(attribute(section, "aria-labelledby")).toBe(attribute(heading, "id"));
    expect(textOf(elements(html, "h2")[0] ?? "")).toBe("Brokers");
  });

  it("Stat puts the test id on its value inside a description list", () => {
    const html = render(
      <StatGrid>
        <Stat label="Brokers" value={3} testId="broker-count" hint="1 controller" tone="ok" />
      </StatGrid>,
    );
    expect(html.startsWith("<dl")).toBe(true);
    const value = openingTags(html, "dd").find((tag) => attribute(tag, "data-testid")) ?? "";
    expect(attribute(value, "data-testid")).toBe("broker-count");
    expect(textOf(elements(html, "dd")[0] ?? "")).toBe("3");
    expect(textOf(elements(html, "dt")[0] ?? "")).toBe("Brokers");
  });
});

describe("Dialog", () => {
  it("is a dialog labelled by its title that renders its content only while open", () => {
    const closed = render(
      <Dialog open={false} onClose={() => {}} title="Delete topic">
        <p>Body</p>
      </Dialog>,
    );
    const dialog = openingTags(closed, "dialog")[0] ?? "";
    const heading = openingTags(closed, "h2")[0] ?? "";
    expect(attribute(dialog, "aria-labelledby")).toBe(attribute(heading, "id"));
    expect(textOf(elements(closed, "h2")[0] ?? "")).toBe("Delete topic");
    expect(closed).not.toContain("<p>Body</p>");
    const open = render(
      <Dialog open onClose={() => {}} title="Delete topic" footer={<Button>Cancel</Button>} describedBy="why">
        <p id="why">Body</p>
      </Dialog>,
    );
    expect(open).toContain('<p id="why">Body</p>');
    expect(attribute(openingTags(open, "dialog")[0] ?? "", "aria-describedby")).toBe("why");
    expect(textOf(elements(open, "button")[0] ?? "")).toBe("×");
    expect(attribute(openingTags(open, "button")[0] ?? "", "aria-label")).toBe("Close");
  });
});
