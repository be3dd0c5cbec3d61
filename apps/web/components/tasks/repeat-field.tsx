"use client";
/**
 * The task editor's Repeat: the presets the new-task form offers, the task's own rule when it is none
 * of them, and Custom…, a small editor that builds an RFC 5545 rule (every N days/weeks/months/years;
 * which weekdays; the day of the month or its nth weekday; until a date or N times). The rule shows in
 * the words the tasks list will use while it is built.
 */
import { useId, useState } from "react";
import { describeRule } from "@todo/contracts/repeat";
import {
  buildRule,
  type CustomRepeat,
  defaultCustomRepeat,
  isPreset,
  NTH,
  readRule,
  REPEAT_PRESETS,
  type RepeatUnit,
  WEEKDAYS,
  type WeekdayCode,
} from "@/lib/repeat-rule";
import { cn } from "@/lib/cn";
import { Button } from "@/components/ui/button";
import { Input, Label, Select } from "@/components/ui/input";

const CUSTOM = "custom";
const CURRENT = "current";
const UNITS: [RepeatUnit, string, string][] = [
  ["day", "day", "days"],
  ["week", "week", "weeks"],
  ["month", "month", "months"],
  ["year", "year", "years"],
];

/** A whole number from a number box, kept within bounds (an emptied box counts as the least). */
const whole = (text: string, min: number, max: number) => Math.min(max, Math.max(min, Math.trunc(Number(text)) || min));

export function RepeatField({
  id,
  value,
  onChange,
  savedRule,
  dueDate,
  dueTime,
  error,
}: {
  id: string;
  /** The rule as the form holds it ("" for none). */
  value: string;
  onChange: (rule: string) => void;
  /** The task's stored rule, to offer "Stop repeating" and keep a rule the editor cannot show. */
  savedRule: string | null;
  dueDate: string;
  dueTime: string;
  error?: string;
}) {
  const uid = useId();
  const readable = savedRule ? readRule(savedRule, dueDate || null) : null;
  const [choice, setChoice] = useState(() => (isPreset(value) ? value : readable ? CUSTOM : CURRENT));
  const [custom, setCustom] = useState<CustomRepeat>(() => readable ?? defaultCustomRepeat(dueDate || null));

  const choose = (next: string) => {
    setChoice(next);
    if (next === CUSTOM) onChange(buildRule(custom));
    else if (next === CURRENT) onChange(savedRule ?? "");
    else onChange(next);
  };
  const edit = (change: Partial<CustomRepeat>) => {
    const next = { ...custom, ...change };
    setCustom(next);
    onChange(buildRule(next));
  };
  const toggleDay = (code: WeekdayCode) =>
    edit({ weekdays: custom.weekdays.includes(code) ? custom.weekdays.filter((d) => d !== code) : [...custom.weekdays, code] });

  const wordsId = `${uid}-words`;
  return (
    <div className="space-y-2" data-testid="repeat-field">
      <div className="flex flex-wrap items-end gap-2">
        <div className="min-w-0 flex-1 space-y-1">
          <Label htmlFor={id} className="text-xs text-muted-foreground">
            Repeat
          </Label>
          <Select
            id={id}
            className="w-full"
            value={choice}
            onChange={(e) => choose(e.target.value)}
            aria-describedby={value ? wordsId : undefined}
            aria-invalid={!!error}
          >
            {REPEAT_PRESETS.map(([rule, label]) => (
              <option key={rule} value={rule}>
                {label}
              </option>
            ))}
            {savedRule && !isPreset(savedRule) && !readable && <option value={CURRENT}>As now: {describeRule(savedRule, null)}</option>}
            <option value={CUSTOM}>Custom…</option>
          </Select>
        </div>
        {savedRule && value && (
          <Button variant="outline" onClick={() => choose("")}>
            Stop repeating
          </Button>
        )}
      </div>

      {choice === CUSTOM && (
        <fieldset className="space-y-3 rounded-md border p-3" data-testid="repeat-custom">
          <legend className="px-1 text-xs font-medium text-muted-foreground">Custom repeat</legend>
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <Label htmlFor={`${uid}-every`}>Every</Label>
            <Input
              id={`${uid}-every`}
              type="number"
              min={1}
              max={99}
              className="w-20"
              value={custom.every}
              onChange={(e) => edit({ every: whole(e.target.value, 1, 99) })}
            />
            <Label htmlFor={`${uid}-unit`} className="sr-only">
              Unit
            </Label>
            <Select id={`${uid}-unit`} value={custom.unit} onChange={(e) => edit({ unit: e.target.value as RepeatUnit })}>
              {UNITS.map(([unit, one, many]) => (
                <option key={unit} value={unit}>
                  {custom.every === 1 ? one : many}
                </option>
              ))}
            </Select>
          </div>

          {custom.unit === "week" && (
            <fieldset className="flex flex-wrap gap-1">
              <legend className="sr-only">On these days</legend>
              {WEEKDAYS.map((day) => {
                const on = custom.weekdays.includes(day.code);
                return (
                  <Button
                    key={day.code}
                    size="sm"
                    variant={on ? "default" : "outline"}
                    aria-pressed={on}
                    className="min-w-11"
                    title={day.name}
                    onClick={() => toggleDay(day.code)}
                  >
                    {/* Named by what it shows ("Mon"), as WCAG 2.5.3 (label in name) asks; the title spells it out. */}
                    {day.short}
                  </Button>
                );
              })}
            </fieldset>
          )}

          {custom.unit === "month" && (
            <fieldset className="space-y-2 text-sm">
              <legend className="sr-only">On which day of the month</legend>
              <div className="flex flex-wrap items-center gap-2">
                <label className="flex items-center gap-2">
                  <input
                    type="radio"
                    name={`${uid}-monthly`}
                    checked={custom.monthly.kind === "day"}
                    onChange={() => edit({ monthly: { kind: "day", day: custom.monthly.kind === "day" ? custom.monthly.day : 1 } })}
                  />
                  On day
                </label>
                <Input
                  type="number"
                  min={1}
                  max={31}
                  className="w-20"
                  aria-label="Day of the month"
                  disabled={custom.monthly.kind !== "day"}
                  value={custom.monthly.kind === "day" ? custom.monthly.day : 1}
                  onChange={(e) => edit({ monthly: { kind: "day", day: whole(e.target.value, 1, 31) } })}
                />
              </div>
              <div className="flex flex-wrap items-center gap-2">
                <label className="flex items-center gap-2">
                  <input
                    type="radio"
                    name={`${uid}-monthly`}
                    checked={custom.monthly.kind === "nth"}
                    onChange={() => edit({ monthly: { kind: "nth", nth: 1, weekday: custom.weekdays[0] ?? "MO" } })}
                  />
                  On the
                </label>
                <Select
                  aria-label="Which one in the month"
                  disabled={custom.monthly.kind !== "nth"}
                  value={custom.monthly.kind === "nth" ? custom.monthly.nth : 1}
                  onChange={(e) => custom.monthly.kind === "nth" && edit({ monthly: { ...custom.monthly, nth: Number(e.target.value) } })}
                >
                  {NTH.map(([n, word]) => (
                    <option key={n} value={n}>
                      {word}
                    </option>
                  ))}
                </Select>
                <Select
                  aria-label="Weekday"
                  disabled={custom.monthly.kind !== "nth"}
                  value={custom.monthly.kind === "nth" ? custom.monthly.weekday : "MO"}
                  onChange={(e) => custom.monthly.kind === "nth" && edit({ monthly: { ...custom.monthly, weekday: e.target.value as WeekdayCode } })}
                >
                  {WEEKDAYS.map((day) => (
                    <option key={day.code} value={day.code}>
                      {day.name}
                    </option>
                  ))}
                </Select>
              </div>
            </fieldset>
          )}

          <fieldset className="space-y-2 text-sm">
            <legend className="text-xs font-medium text-muted-foreground">Ends</legend>
            <label className="flex items-center gap-2">
              <input type="radio" name={`${uid}-ends`} checked={custom.ends.kind === "never"} onChange={() => edit({ ends: { kind: "never" } })} />
              Never
            </label>
            <div className="flex flex-wrap items-center gap-2">
              <label className="flex items-center gap-2">
                <input
                  type="radio"
                  name={`${uid}-ends`}
                  checked={custom.ends.kind === "until"}
                  onChange={() => edit({ ends: { kind: "until", date: dueDate || new Date().toISOString().slice(0, 10) } })}
                />
                On
              </label>
              <Input
                type="date"
                className="w-auto"
                aria-label="Last date"
                disabled={custom.ends.kind !== "until"}
                value={custom.ends.kind === "until" ? custom.ends.date : ""}
                onChange={(e) => e.target.value && edit({ ends: { kind: "until", date: e.target.value } })}
              />
            </div>
            <div className="flex flex-wrap items-center gap-2">
              <label className="flex items-center gap-2">
                <input type="radio" name={`${uid}-ends`} checked={custom.ends.kind === "count"} onChange={() => edit({ ends: { kind: "count", count: 10 } })} />
                After
              </label>
              <Input
                type="number"
                min={1}
                max={999}
                className="w-20"
                aria-label="Number of times"
                disabled={custom.ends.kind !== "count"}
                value={custom.ends.kind === "count" ? custom.ends.count : 10}
                onChange={(e) => edit({ ends: { kind: "count", count: whole(e.target.value, 1, 999) } })}
              />
              <span>times</span>
            </div>
          </fieldset>
        </fieldset>
      )}

      {value && (
        <p id={wordsId} className={cn("text-xs", error ? "text-destructive" : "text-muted-foreground")} aria-live="polite" data-testid="repeat-words">
          Repeats {describeRule(value, dueTime || null)}
        </p>
      )}
      {error && <p className="text-xs text-destructive">{error}</p>}
    </div>
  );
}
