import { ListChecks } from "lucide-react";

export function Logo() {
  return (
    <span className="inline-flex size-8 items-center justify-center rounded-md bg-primary text-primary-foreground" aria-hidden>
      <ListChecks className="size-5" />
    </span>
  );
}
