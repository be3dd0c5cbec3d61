"use client";
/** Shown when a page can't render, most often because the backend isn't answering. */
import { Button } from "@/components/ui/button";

export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="flex min-h-[60dvh] flex-1 flex-col items-center justify-center gap-3 px-4 text-center" role="alert">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="max-w-md text-muted-foreground">We couldn&apos;t load this page. The server may be restarting; try again in a moment.</p>
      <Button variant="outline" onClick={reset}>
        Try again
      </Button>
    </main>
  );
}
