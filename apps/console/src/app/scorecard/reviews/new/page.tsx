"use client";
// Starting a readiness review: who attended, each attending team's failure mode, the checklist's
// answers and the decisions taken, next to the scorecard that will be frozen with them. The server
// reads the scorecard again when the review is saved; the browser never sends one.
import { Button, Field, Loading, PageHeader, Section, Textarea, TextInput } from "@streambed/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { fieldError, mutationMessage, QueryView } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";
import styles from "../../scorecard.module.css";
import { STATUS_WORDS, StatusBadge } from "../../status-badge";
import { type AttendeeDraft, AttendeesEditor } from "./attendees-editor";
import { type AnswerDrafts, answeredQuestions, ChecklistAnswers } from "./checklist-answers";
import { type DecisionDraft, DecisionsEditor } from "./decisions-editor";
import { useDraftRows } from "./draft-rows";

const blankAttendee = (): AttendeeDraft => ({ name: "", team: "", function: "platform" });
const blankDecision = (): DecisionDraft => ({ decision: "", owner: "", due: "" });

type FailureModeDraft = { failureMode: string; mitigation: string };
const NO_FAILURE_MODE: FailureModeDraft = { failureMode: "", mitigation: "" };
const FAILURE_MODE_FIELDS: { field: keyof FailureModeDraft; label: string; hint: string }[] = [
  { field: "failureMode", label: "failure mode", hint: "What could go wrong for this team" },
  { field: "mitigation", label: "mitigation", hint: "How it is noticed and recovered from" },
];
const NO_ANSWER: AnswerDrafts[string] = { answer: "", notes: "" };

export default function NewReviewPage() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const scorecard = useQuery({ ...trpc.scorecard.get.queryOptions(), refetchInterval: 30_000 });
  const checklist = useQuery({
    ...trpc.scorecard.checklist.queryOptions(),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const teams = useQuery(trpc.ownership.teams.queryOptions());
  const [title, setTitle] = useState("");
  const attendees = useDraftRows(blankAttendee);
  const decisions = useDraftRows(blankDecision, 0);
  const [failureModes, setFailureModes] = useState<Record<string, FailureModeDraft>>({});
  const [answers, setAnswers] = useState<AnswerDrafts>({});
  const create = useMutation(
    trpc.reviews.create.mutationOptions({
      onSuccess: async (created) => {
        await queryClient.invalidateQueries({ queryKey: trpc.reviews.list.queryKey() });
        router.push(`/scorecard/reviews/${created.id}`);
      },
    }),
  );

  // One failure mode per attending team, in the order the teams first appear.
  const attendingTeams = [...new Set(attendees.rows.map((row) => row.team).filter(Boolean))];
  const namedFailureModes = attendingTeams.filter((team) => {
    const draft = failureModes[team];
    return Boolean(draft?.failureMode.trim() || draft?.mitigation.trim());
  });
  const sentAnswers = checklist.data ? answeredQuestions(checklist.data, answers) : [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      title,
      attendees: attendees.rows.map(({ name, team, function: role }) => ({ name, team, function: role })),
      failureModes: namedFailureModes.map((team) => ({
        team,
        failureMode: failureModes[team]?.failureMode ?? "",
        mitigation: failureModes[team]?.mitigation ?? "",
      })),
      checklist: sentAnswers,
      decisions: decisions.rows.map(({ decision, owner, due }) => ({
        decision,
        owner,
        due: due || undefined,
      })),
    });
  };
  const error = create.error;
  const failureModeError = (team: string, field: keyof FailureModeDraft | "team") => {
    const index = namedFailureModes.indexOf(team);
    return index < 0 ? null : fieldError(error, `failureModes.${index}.${field}`);
  };
  const answerError = (questionId: string) => {
    const index = sentAnswers.findIndex((answer) => answer.questionId === questionId);
    return index < 0
      ? null
      : (fieldError(error, `checklist.${index}.notes`) ?? fieldError(error, `checklist.${index}.questionId`));
  };

  return (
    <>
      <PageHeader
        title="Start a review"
        description={
          <>
            Record who reviewed readiness, what each team could see fail, the checklist and the decisions. ·{" "}
            <Link href="/scorecard">Scorecard</Link>
          </>
        }
      />
      <form onSubmit={submit} noValidate aria-label="Readiness review">
        <Section title="Scorecard to be frozen">
          <QueryView query={scorecard} loading="Reading the evidence for six items…">
            {(data) => (
              <>
                <p className={styles.muted}>
                  Saved with the review exactly as the server reads it at that moment; this is what it says
                  now on {data.cluster.name}: overall <StatusBadge status={data.status} />.
                </p>
                <div className="sb-table-scroll">
                  <table className="sb-table" aria-label="Scorecard to be frozen">
                    <thead>
                      <tr>
                        <th scope="col">Item</th>
                        <th scope="col">Status</th>
                        <th scope="col">Why</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.items.map((item) => (
                        <tr key={item.key}>
                          <th scope="row">{item.title}</th>
                          <td>
                            <StatusBadge status={item.status} />
                          </td>
                          <td>{item.summary}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            )}
          </QueryView>
        </Section>
        <Section title="Review">
          <Field label="Title" error={fieldError(error, "title")} hint="e.g. Payments domain, second pass">
            {(control) => (
              <TextInput {...control} value={title} onChange={(event) => setTitle(event.target.value)} />
            )}
          </Field>
        </Section>
        <Section title="Attendees">
          <AttendeesEditor
            rows={attendees.rows}
            teams={teams.data}
            error={error}
            onAdd={attendees.add}
            onRemove={attendees.remove}
            onChange={attendees.update}
          />
        </Section>
        <Section title="Failure modes">
          {attendingTeams.length === 0 ? (
            <p className={styles.muted}>
              Each attending team names the failure it worries about most; add attendees first.
            </p>
          ) : (
            attendingTeams.map((team) => (
              <fieldset key={team} className={styles.rowEditor} aria-label={`Failure mode of ${team}`}>
                {FAILURE_MODE_FIELDS.map(({ field, label, hint }) => (
                  <Field
                    key={field}
                    label={`${team}: ${label}`}
                    error={
                      failureModeError(team, field) ??
                      (field === "failureMode" ? failureModeError(team, "team") : null)
                    }
                    hint={hint}
                  >
                    {(control) => (
                      <Textarea
                        {...control}
                        value={failureModes[team]?.[field] ?? ""}
                        onChange={(event) =>
                          setFailureModes((current) => ({
                            ...current,
                            [team]: { ...(current[team] ?? NO_FAILURE_MODE), [field]: event.target.value },
                          }))
                        }
                      />
                    )}
                  </Field>
                ))}
              </fieldset>
            ))
          )}
        </Section>
        <Section title="Evaluation checklist">
          {checklist.data ? (
            <ChecklistAnswers
              checklist={checklist.data}
              items={scorecard.data?.items ?? []}
              answers={answers}
              errorOf={answerError}
              onChange={(questionId, change) =>
                setAnswers((current) => ({
                  ...current,
                  [questionId]: { ...(current[questionId] ?? NO_ANSWER), ...change },
                }))
              }
            />
          ) : (
            <QueryView query={checklist} loading="Loading the checklist…">
              {() => null}
            </QueryView>
          )}
        </Section>
        <Section title="Decisions">
          <DecisionsEditor
            rows={decisions.rows}
            error={error}
            onAdd={decisions.add}
            onRemove={decisions.remove}
            onChange={decisions.update}
          />
        </Section>
        {error && (
          <p role="alert" className="message-error">
            The review was not saved: {mutationMessage(error)}
          </p>
        )}
        {create.isPending && <Loading label="Reading the scorecard and saving the review…" />}
        <Button variant="primary" type="submit" busy={create.isPending}>
          Save review
        </Button>{" "}
        <span className={styles.muted}>
          {sentAnswers.length} of{" "}
          {checklist.data?.areas.reduce((sum, area) => sum + area.questions.length, 0) ?? 0} questions
          answered · overall now {scorecard.data ? STATUS_WORDS[scorecard.data.status] : "…"}
        </span>
      </form>
    </>
  );
}
