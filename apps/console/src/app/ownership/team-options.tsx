// The <option>s of a team picker, shared by the owner and client dialogs.
import type { RouterOutputs } from "~/trpc/react";

type Team = RouterOutputs["ownership"]["teams"][number];

export function TeamOptions({ teams, none }: { teams: readonly Team[] | undefined; none: string }) {
  return (
    <>
      <option value="">{none}</option>
      {teams?.map((team) => (
        <option key={team.id} value={team.id}>
          {team.name}
        </option>
      ))}
    </>
  );
}
