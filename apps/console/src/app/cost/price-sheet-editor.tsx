"use client";
// The price sheets: pick a cloud region, edit its figures (they start as list-price defaults that
// may be out of date), save them or go back to the defaults, and price this cluster with that region.
import { Badge, Button, Field, Select, TextInput, Toolbar } from "@streambed/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldError, mutationMessage, QueryView } from "~/components/query-view";
import { type RouterInputs, type RouterOutputs, useTRPC } from "~/trpc/react";
import { type NumberFieldSpec, NumberFields, useNumberFields } from "./number-fields";

type Sheet = RouterOutputs["cost"]["priceSheets"]["list"][number];
type Prices = Sheet["prices"];
type PriceNumber = {
  [Name in keyof Prices]: Prices[Name] extends number ? Name : never;
}[keyof Prices];
type PriceText = Exclude<keyof Prices, PriceNumber>;

const PROVIDER_NAMES: Record<string, string> = { aws: "AWS", gcp: "Google Cloud", azure: "Azure" };

const NUMBER_FIELDS: readonly NumberFieldSpec<PriceNumber>[] = [
  {
    name: "objectStorageGbMonth",
    label: "Object storage per GB-month",
    hint: "S3 Standard, GCS Standard, Blob Hot",
  },
  {
    name: "putRequestsPer1000",
    label: "PUT, POST and LIST per 1000",
    hint: "uploads, multipart parts, listings",
  },
  { name: "getRequestsPer1000", label: "GET per 1000", hint: "ranged reads of blocks, HEAD" },
  { name: "deleteRequestsPer1000", label: "DELETE per 1000", hint: "free on AWS, GCP and Azure" },
  { name: "brokerInstanceHourly", label: "Streambed broker per hour" },
  { name: "crossAzPerGb", label: "Cross-AZ transfer per GB", hint: "both directions together" },
  { name: "kafkaDiskGbMonth", label: "Kafka local disk per GB-month" },
  { name: "kafkaInstanceHourly", label: "Kafka broker per hour" },
];

const TEXT_FIELDS: readonly { name: PriceText; label: string }[] = [
  { name: "brokerInstanceType", label: "Streambed broker instance type" },
  { name: "kafkaInstanceType", label: "Kafka broker instance type" },
  { name: "kafkaDiskType", label: "Kafka disk type" },
  { name: "source", label: "Source of the figures" },
];

type SheetInput = RouterInputs["cost"]["priceSheets"]["resetToDefault"];

/** A listed sheet's identity as procedures take it: listed sheets were all saved through validation. */
function sheetInput(sheet: Sheet): SheetInput {
  return { provider: sheet.provider as SheetInput["provider"], region: sheet.region };
}

function sheetKey(sheet: { provider: string; region: string }): string {
  return `${sheet.provider}/${sheet.region}`;
}

export function sheetName(sheet: { provider: string; region: string; location?: string | null }): string {
  const provider = PROVIDER_NAMES[sheet.provider] ?? sheet.provider;
  return `${provider} ${sheet.region}${sheet.location ? ` (${sheet.location})` : ""}`;
}

export function PriceSheetEditor({ clusterSheet }: { clusterSheet: { provider: string; region: string } }) {
  const trpc = useTRPC();
  const sheets = useQuery(trpc.cost.priceSheets.list.queryOptions());
  const [selected, setSelected] = useState<string>(sheetKey(clusterSheet));
  // Kept here: a saved sheet's form starts afresh from what was saved, and the notice must outlive it.
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <QueryView query={sheets} loading="Loading price sheets…">
      {(list) => {
        const sheet = list.find((entry) => sheetKey(entry) === selected) ?? list[0];
        if (!sheet) return null;
        return (
          <>
            <Toolbar>
              <Field label="Region" hint="Each region has its own sheet; pick one to see or edit it">
                {(control) => (
                  <Select
                    {...control}
                    value={sheetKey(sheet)}
                    onChange={(event) => {
                      setSelected(event.target.value);
                      setNotice(null);
                    }}
                  >
                    {list.map((entry) => (
                      <option key={sheetKey(entry)} value={sheetKey(entry)}>
                        {sheetName(entry)}
                        {sheetKey(entry) === sheetKey(clusterSheet) ? " — this cluster" : ""}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
            </Toolbar>
            <PriceSheetForm
              key={`${sheetKey(sheet)}@${String(sheet.updatedAt)}`}
              sheet={sheet}
              usedByCluster={sheetKey(sheet) === sheetKey(clusterSheet)}
              onSaved={setNotice}
            />
            <p role="status">{notice}</p>
          </>
        );
      }}
    </QueryView>
  );
}

function PriceSheetForm({
  sheet,
  usedByCluster,
  onSaved: announce,
}: {
  sheet: Sheet;
  usedByCluster: boolean;
  /** Called with a sentence once a change is saved. */
  onSaved: (notice: string | null) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const numbers = useNumberFields(NUMBER_FIELDS, (name) => sheet.prices[name]);
  const [texts, setTexts] = useState(
    () =>
      Object.fromEntries(TEXT_FIELDS.map((field) => [field.name, sheet.prices[field.name]])) as Record<
        PriceText,
        string
      >,
  );
  const [currency, setCurrency] = useState(sheet.currency);
  const settings = useQuery(trpc.cost.settings.get.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.cost.pathKey() });
  const onSaved = (message: string) => async () => {
    announce(message);
    await refresh();
  };
  const save = useMutation(
    trpc.cost.priceSheets.upsert.mutationOptions({ onSuccess: onSaved("Prices saved.") }),
  );
  const reset = useMutation(
    trpc.cost.priceSheets.resetToDefault.mutationOptions({
      onSuccess: onSaved("Back to the list-price defaults."),
    }),
  );
  const use = useMutation(
    trpc.cost.settings.update.mutationOptions({
      onSuccess: onSaved(`This cluster is now priced with ${sheetName(sheet)}.`),
    }),
  );
  const error = save.error ?? reset.error ?? use.error;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    announce(null);
    const values = numbers.parse();
    if (!values) return;
    save.mutate({
      ...sheetInput(sheet),
      currency: currency.trim(),
      prices: { ...texts, ...(values as Record<PriceNumber, number>) },
    });
  };
  const changedFromDefaults =
    sheet.defaults !== null &&
    (Object.keys(sheet.defaults) as (keyof Prices)[]).some(
      (name) => sheet.defaults?.[name] !== sheet.prices[name],
    );

  return (
    <form onSubmit={submit} noValidate aria-label={`Prices for ${sheetName(sheet)}`}>
      <p>
        {sheet.defaults === null ? (
          <Badge tone="info">entered by hand</Badge>
        ) : changedFromDefaults ? (
          <Badge tone="warning">edited</Badge>
        ) : (
          <Badge tone="neutral">editable defaults</Badge>
        )}{" "}
        These start as {sheet.prices.source || "list prices"}. They are defaults to edit: enter what you
        actually pay (discounts, savings plans, another currency).
        {sheet.updatedBy && ` Last saved by ${sheet.updatedBy}.`}
      </p>
      <div className="form-grid">
        <Field label="Currency" error={fieldError(error, "currency")} hint="three letters, e.g. USD">
          {(control) => (
            <TextInput
              {...control}
              value={currency}
              maxLength={3}
              onChange={(event) => setCurrency(event.target.value.toUpperCase())}
            />
          )}
        </Field>
        <NumberFields form={numbers} serverError={(name) => fieldError(error, `prices.${name}`)} />
        {TEXT_FIELDS.map((field) => (
          <Field key={field.name} label={field.label} error={fieldError(error, `prices.${field.name}`)}>
            {(control) => (
              <TextInput
                {...control}
                value={texts[field.name]}
                onChange={(event) =>
                  setTexts((current) => ({ ...current, [field.name]: event.target.value }))
                }
              />
            )}
          </Field>
        ))}
      </div>
      <Toolbar
        end={
          !usedByCluster && settings.data ? (
            <Button
              busy={use.isPending}
              onClick={() =>
                use.mutate({
                  ...sheetInput(sheet),
                  assumptions: settings.data.assumptions,
                })
              }
            >
              Price this cluster with {sheet.region}
            </Button>
          ) : null
        }
      >
        <Button type="submit" variant="primary" busy={save.isPending}>
          Save prices
        </Button>
        {sheet.defaults !== null && (
          <Button
            busy={reset.isPending}
            // A sheet never saved is the defaults already.
            disabled={sheet.id === null}
            onClick={() => {
              announce(null);
              reset.mutate(sheetInput(sheet));
            }}
          >
            Reset to defaults
          </Button>
        )}
      </Toolbar>
      {error && (
        <p role="alert" className="message-error">
          Not saved: {mutationMessage(error)}
        </p>
      )}
    </form>
  );
}
