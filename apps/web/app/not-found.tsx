import Link from "next/link";
import { Button } from "@/components/ui/button";

export default function NotFound() {
  return (
    <main className="flex min-h-[60dvh] flex-1 flex-col items-center justify-center gap-3 px-4 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="text-muted-foreground">That page or conversation doesn&apos;t exist, or it isn&apos;t yours.</p>
      <Button asChild variant="outline">
        <Link href="/chat">Back to the chat</Link>
      </Button>
    </main>
  );
}
