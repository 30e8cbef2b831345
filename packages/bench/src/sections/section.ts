// What a section of the report is: the child-process tasks it needs (one per side, in column order)
// and how it renders their summaries as markdown.
import type { SideSummary } from '../comparison.js';
import type { SectionName, Settings } from '../settings.js';
import type { Side, Task } from '../tasks.js';

/** Summaries per side, as main.ts hands them to a section. */
export type Summaries = ReadonlyMap<Side, SideSummary>;

/** A section of the report. */
export interface Section {
  readonly name: SectionName;
  /** One task per side; each runs `settings.repeats` times, the sides taking turns. */
  tasks(settings: Settings): Task[];
  /** A `###` heading, a caption, the table and its notes. */
  render(summaries: Summaries, settings: Settings): string;
}
