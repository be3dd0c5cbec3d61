/** Joins class names and lets later Tailwind classes win over earlier ones (shadcn's `cn`). */
import { clsx, type ClassValue } from "clsx";
import { twMerge } from "tailwind-merge";

export function cn(...inputs: ClassValue[]) {
  return twMerge(clsx(inputs));
}
