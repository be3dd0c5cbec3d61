/** The <option>s of a priority <select>, in one place for the new-task form, the editor and the filters. */
import { PRIORITIES } from "@todo/contracts/constants";

export function PriorityOptions() {
  return PRIORITIES.map((p) => (
    <option key={p} value={p}>
      {p[0]!.toUpperCase() + p.slice(1)}
    </option>
  ));
}
