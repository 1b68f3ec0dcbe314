// Page structure: the page's heading with its actions, titled sections, grids of headline numbers,
// and two spacing helpers, so pages share one rhythm without their own CSS.
import { type ReactNode, useId } from "react";
import { classNames } from "./class-names";
import { type Tone, toneClass } from "./tone";

export interface PageHeaderProps {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
}

export function PageHeader({ title, description, actions }: PageHeaderProps) {
  return (
    <div className="sb-page-header">
      <div className="sb-page-heading">
        <h1>{title}</h1>
        {description !== undefined && description !== null && (
          <div className="sb-page-description">{description}</div>
        )}
      </div>
      {actions !== undefined && actions !== null && <div className="sb-page-actions">{actions}</div>}
    </div>
  );
}

export interface SectionProps {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
}

/** A <section> named by its h2, so it is a landmark screen-reader users can jump to. */
export function Section({ title, actions, children }: SectionProps) {
  const headingId = useId();
  return (
    <section className="sb-section" aria-labelledby={headingId}>
      <div className="sb-section-header">
        <h2 id={headingId}>{title}</h2>
        {actions !== undefined && actions !== null && <div className="sb-section-actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}

/** A description list of Stats laid out as cards. */
export function StatGrid({ children }: { children: ReactNode }) {
  return <dl className="sb-stat-grid">{children}</dl>;
}

export interface StatProps {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  tone?: Tone;
  /** Put on the value, for tests that read the number. */
  testId?: string;
}

export function Stat({ label, value, hint, tone = "neutral", testId }: StatProps) {
  return (
    <div className={classNames("sb-stat", toneClass(tone))}>
      <dt className="sb-stat-label">{label}</dt>
      <dd className="sb-stat-value" data-testid={testId}>
        {value}
      </dd>
      {hint !== undefined && hint !== null && <dd className="sb-stat-hint">{hint}</dd>}
    </div>
  );
}

export type Space = "small" | "medium" | "large";

export interface StackProps {
  children: ReactNode;
  /** Default "medium". */
  gap?: Space;
  /** Default "vertical". */
  direction?: "vertical" | "horizontal";
  className?: string;
}

export function Stack({ children, gap = "medium", direction = "vertical", className }: StackProps) {
  return (
    <div className={classNames("sb-stack", `sb-stack-${direction}`, `sb-gap-${gap}`, className)}>
      {children}
    </div>
  );
}

/** A row of controls above a table or chart: items at the start, `end` pushed to the far side. */
export function Toolbar({ children, end }: { children?: ReactNode; end?: ReactNode }) {
  return (
    <div className="sb-toolbar">
      <div className="sb-toolbar-start">{children}</div>
      {end !== undefined && end !== null && <div className="sb-toolbar-end">{end}</div>}
    </div>
  );
}

/** Text for screen readers only, e.g. a unit the layout already shows with an icon. */
export function VisuallyHidden({ children }: { children: ReactNode }) {
  return <span className="sb-visually-hidden">{children}</span>;
}
