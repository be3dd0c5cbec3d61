"use client";
/**
 * Where a notification leads (/tasks?task=<id>): once the task is on screen, scrolls to it and
 * rings it, so the person sees which task the reminder was about.
 */
import { useEffect } from "react";

export function TaskFocus({ taskId }: { taskId: string }) {
  useEffect(() => {
    let tries = 0;
    const timer = setInterval(() => {
      const row = document.getElementById(`task-${taskId}`);
      if (row) {
        row.scrollIntoView({ block: "center" });
        row.dataset.focused = "true";
      }
      if (row || ++tries > 40) clearInterval(timer);
    }, 100);
    return () => clearInterval(timer);
  }, [taskId]);
  return null;
}
