"use client";
// Deleting a topic: a danger zone at the bottom of the page, guarded by typing the topic's name;
// the server checks the typed name too.
import { ConfirmByTyping, Section } from "@streambed/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { mutationMessage } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";

export function DeleteTopicSection({ topic }: { topic: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.topics.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.topics.list.queryKey() });
        router.push("/topics");
      },
    }),
  );
  return (
    <Section title="Delete topic">
      <p>
        Deleting a topic removes its records for every consumer, and its ownership records. This cannot be
        undone.
      </p>
      <ConfirmByTyping
        expected={topic}
        label={`Type ${topic} to confirm`}
        confirmLabel="Delete topic"
        busy={remove.isPending}
        onConfirm={() => remove.mutate({ name: topic, confirmation: topic })}
      />
      {remove.error && (
        <p role="alert" className="message-error">
          {mutationMessage(remove.error)}
        </p>
      )}
    </Section>
  );
}
