"use client";
/**
 * Settings, from the header: the person's time zone. A search narrows the zones the browser knows
 * (Intl.supportedValuesOf), the current local time in the chosen zone shows what it means, and Save
 * changes it on the server, where their timed tasks keep their local time in the new zone.
 */
import { Settings } from "lucide-react";
import { useEffect, useMemo, useState } from "react";
import { toast } from "sonner";
import { settingsApi } from "@/lib/api.client";
import { announceTasksChanged } from "@/lib/tasks-sync";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field, Input, Select } from "@/components/ui/input";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "14:05, 7 Dec" in a zone: the tasks page's date style with a 24-hour time. */
export function localTimeIn(timeZone: string, now = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    month: "numeric",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("hour")}:${get("minute")}, ${Number(get("day"))} ${MONTHS[Number(get("month")) - 1]}`;
}

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

function allZones(): string[] {
  const zones = Intl.supportedValuesOf("timeZone");
  // The browser's own zone may be an alias its list leaves out (UTC, Asia/Calcutta): keep it choosable.
  const own = browserZone();
  return zones.includes(own) ? zones : [own, ...zones].sort();
}

export function SettingsDialog() {
  const [open, setOpen] = useState(false);
  const [zone, setZone] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const [saving, setSaving] = useState(false);
  const [now, setNow] = useState(() => new Date());
  const zones = useMemo(allZones, []);

  useEffect(() => {
    if (!open) return;
    setQuery("");
    setZone(null);
    let live = true;
    settingsApi
      .get()
      .then((s) => live && setZone(s.timeZone ?? browserZone()))
      .catch(() => live && setZone(browserZone()));
    const tick = setInterval(() => setNow(new Date()), 15_000);
    return () => {
      live = false;
      clearInterval(tick);
    };
  }, [open]);

  const words = query.trim().toLowerCase().replaceAll(" ", "_");
  const shown = zones.filter((z) => z.toLowerCase().includes(words));
  // The chosen zone stays an option while the search hides it, so the select never shows a stranger.
  const options = zone && !shown.includes(zone) ? [zone, ...shown] : shown;

  async function save() {
    if (!zone) return;
    setSaving(true);
    try {
      await settingsApi.setTimeZone(zone);
      announceTasksChanged();
      toast.success(`Time zone set to ${zone.replaceAll("_", " ")}`);
      setOpen(false);
    } catch (err) {
      toast.error(err instanceof Error ? err.message : "Could not save the time zone.");
    } finally {
      setSaving(false);
    }
  }

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="ghost" size="sm" aria-label="Settings">
          <Settings aria-hidden />
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogTitle className="text-lg font-semibold">Settings</DialogTitle>
        <DialogDescription className="mt-1 text-sm text-muted-foreground">
          Your time zone decides what "today" is. Tasks at a time keep their local time when you change it.
        </DialogDescription>
        <form
          className="mt-4 space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <Field id="zone-search" label="Search time zones">
            <Input id="zone-search" type="search" value={query} placeholder="e.g. Berlin" onChange={(e) => setQuery(e.target.value)} autoComplete="off" />
          </Field>
          <Field id="zone-select" label="Time zone">
            <Select id="zone-select" className="w-full" value={zone ?? ""} disabled={!zone} onChange={(e) => setZone(e.target.value)}>
              {options.map((z) => (
                <option key={z} value={z}>
                  {z.replaceAll("_", " ")}
                </option>
              ))}
            </Select>
          </Field>
          <p className="text-sm text-muted-foreground" aria-live="polite" data-testid="zone-local-time">
            {zone ? `Local time there: ${localTimeIn(zone, now)}` : "Loading your time zone…"}
          </p>
          {shown.length === 0 && <p className="text-sm">No time zone matches "{query}".</p>}
          <div className="flex justify-end gap-2 pt-2">
            <DialogClose asChild>
              <Button type="button" variant="outline">
                Cancel
              </Button>
            </DialogClose>
            <Button type="submit" disabled={!zone || saving}>
              {saving ? "Saving…" : "Save"}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
