// @streambed/ui: the console's design system. Components, the pure logic behind tables and charts,
// and formatters; the look comes from "@streambed/ui/styles.css", imported once by the app layout.

export { Badge, type BadgeProps } from "./badge";
export { BarMeter, type BarMeterProps, meterFraction } from "./bar-meter";
export { Button, type ButtonProps, type ButtonVariant } from "./button";
export {
  type ChartFrame,
  type ChartLayout,
  type ChartPoint,
  type ChartSeries,
  collectTimes,
  type LayoutOptions,
  layoutChart,
  linearScale,
  linePath,
  nearestIndex,
  niceStep,
  niceTicks,
  type PlottedPoint,
  type PlottedSeries,
  type SeriesSummary,
  sparklinePath,
  summariseSeries,
  timeTicks,
} from "./chart-geometry";
export { classNames } from "./class-names";
export { ConfirmByTyping, type ConfirmByTypingProps } from "./confirm-by-typing";
export { type Column, DataTable, type DataTableProps } from "./data-table";
export { Dialog, type DialogProps } from "./dialog";
export { DiffView, type DiffViewProps, describeDiff } from "./diff-view";
export {
  DURATION_UNITS,
  DurationInput,
  type DurationInputProps,
  joinDuration,
  splitDuration,
} from "./duration-input";
export { Field, type FieldControlProps, type FieldProps } from "./field";
export {
  formatByteRate,
  formatBytes,
  formatCompact,
  formatCount,
  formatDuration,
  formatRate,
  formatRelative,
  formatTimeOfDay,
  formatTimestamp,
} from "./format";
export {
  NumberInput,
  type NumberInputProps,
  Select,
  type SelectProps,
  Textarea,
  type TextareaProps,
  TextInput,
  type TextInputProps,
} from "./inputs";
export {
  PageHeader,
  type PageHeaderProps,
  Section,
  type SectionProps,
  type Space,
  Stack,
  type StackProps,
  Stat,
  StatGrid,
  type StatProps,
  Toolbar,
  VisuallyHidden,
} from "./layout";
export { describeChart, LineChart, type LineChartProps } from "./line-chart";
export {
  type DiffCell,
  type DiffKind,
  type DiffLine,
  diffLines,
  type SideBySideRow,
  sideBySide,
  splitLines,
  summariseDiff,
} from "./line-diff";
export { Sparkline, type SparklineProps } from "./sparkline";
export { EmptyState, type EmptyStateProps, ErrorState, type ErrorStateProps, Loading } from "./states";
export {
  type ColumnAccessors,
  clampPage,
  compareSortValues,
  deriveTableView,
  describePageRange,
  filterRows,
  nextSortState,
  type PageSlice,
  pageCount,
  type SortDirection,
  type SortState,
  type SortValue,
  slicePage,
  sortRows,
  type TableView,
  type TableViewOptions,
} from "./table-state";
export { type Tone, toneClass } from "./tone";
