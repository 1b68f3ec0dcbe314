"use client";
// Logging in to the console; afterwards, back to the page that sent you here.
import { Button, Field, PageHeader, TextInput } from "@streambed/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, Suspense, useState } from "react";
import { mutationMessage } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";

function LoginForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const next = useSearchParams().get("next");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.resetQueries();
        // Only paths on this console: never an open redirect.
        const target = next?.startsWith("/") && !next.startsWith("//") ? next : "/";
        router.replace(result.mustChangePassword ? "/account" : target);
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ email, password });
  };
  return (
    <form onSubmit={submit} className="login-form" aria-label="Log in">
      <Field label="E-mail">
        {(control) => (
          <TextInput
            {...control}
            type="email"
            autoComplete="username"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            required
          />
        )}
      </Field>
      <Field label="Password">
        {(control) => (
          <TextInput
            {...control}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            required
          />
        )}
      </Field>
      {login.error && (
        <p role="alert" className="message-error">
          {mutationMessage(login.error)}
        </p>
      )}
      <Button variant="primary" type="submit" busy={login.isPending}>
        Log in
      </Button>
    </form>
  );
}

export default function LoginPage() {
  return (
    <>
      <PageHeader title="Log in" description="Use the e-mail and password an admin gave you." />
      <Suspense>
        <LoginForm />
      </Suspense>
    </>
  );
}
