import { cva, type VariantProps } from "class-variance-authority";
import type { ComponentProps } from "react";
import { cn } from "@/lib/cn";

const badgeVariants = cva("inline-flex items-center gap-1 rounded-full border px-2 py-0.5 text-xs font-medium", {
  variants: {
    variant: {
      default: "border-transparent bg-secondary text-secondary-foreground",
      outline: "border-border text-muted-foreground",
      high: "border-transparent bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200",
      medium: "border-transparent bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
      low: "border-transparent bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200",
      // Dark: red-400 under red-950 is about 5.6:1 (red-500 was 4.3:1, under WCAG AA's 4.5:1).
      overdue: "border-transparent bg-red-600 text-white dark:bg-red-400 dark:text-red-950",
    },
  },
  defaultVariants: { variant: "default" },
});

export function Badge({ className, variant, ...props }: ComponentProps<"span"> & VariantProps<typeof badgeVariants>) {
  return <span className={cn(badgeVariants({ variant }), className)} {...props} />;
}
