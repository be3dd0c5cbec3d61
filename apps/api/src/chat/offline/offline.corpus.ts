/**
 * The offline assistant's corpus: phrasings people use (varied wording, typos, capitals,
 * punctuation), each with the exact tool calls it must produce. Run as a test
 * (offline.corpus.test.ts, every entry must pass) and by `npm run bench:offline` (how many pass,
 * on this model or another one, for a before/after figure).
 *
 * The clock is fixed: Sunday 22 November 2026, 10:00 in Paris. Tomorrow is Monday the 23rd, "friday" the 27th.
 */
import type { LanguageModelV3, LanguageModelV3Prompt } from "@ai-sdk/provider";
import { TOOL_NAMES } from "@todo/contracts/constants";

export const CORPUS_NOW = new Date("2026-11-22T09:00:00Z");
export const CORPUS_TIME_ZONE = "Europe/Paris";

type Call = [tool: string, args: Record<string, unknown>];
export interface CorpusEntry {
  say: string;
  /** An earlier reply in the conversation, for follow-ups ("make it tomorrow"). */
  after?: string;
  calls: Call[];
  /** For entries with no call: what the reply must say. */
  reply?: RegExp;
}

const TODAY = "2026-11-22";
const TOMORROW = "2026-11-23";
const WED = "2026-11-25";
const THU = "2026-11-26";
const FRI = "2026-11-27";
const SAT = "2026-11-28";

const add = (title: string, extra: Record<string, unknown> = {}): Call => ["add_task", { title, ...extra }];
const list = (args: Record<string, unknown>): Call => ["list_tasks", args];
const done = (ref: string | number): Call => ["complete_task", typeof ref === "number" ? { number: ref } : { match: ref }];
const del = (ref: string | number): Call => ["delete_task", typeof ref === "number" ? { number: ref } : { match: ref }];
const many = (filter: Record<string, unknown>, changes: Record<string, unknown>): Call => ["update_tasks", { filter, changes }];
const undo = (ref?: string | number): Call => ["undo", ref === undefined ? {} : typeof ref === "number" ? { number: ref } : { match: ref }];
const upd = (ref: string | number, changes: Record<string, unknown>): Call => [
  "update_task",
  { ...(typeof ref === "number" ? { number: ref } : { match: ref }), changes },
];

const ALL = { status: "all" };
const OPEN = { status: "pending" };
const DONE = { status: "completed" };
const OVERDUE = { status: "pending", dueBefore: "2026-11-21" };
const DUE_TODAY = { status: "pending", dueBefore: TODAY, sort: "due" };
const DUE_TOMORROW = { status: "pending", dueAfter: TOMORROW, dueBefore: TOMORROW };
const THIS_WEEK = { status: "pending", dueBefore: SAT, sort: "due" };
const NEXT = { status: "pending", sort: "priority", limit: 5 };
const ADDED = "Added #7 “Buy milk” (medium).";
const LISTED = "You have 2 tasks:\n• #1 Buy milk — medium\n• #2 Call mom — medium";
const UNSURE = /not sure/i;
const WHICH = /Which task/;

const e = (say: string, ...calls: Call[]): CorpusEntry => ({ say, calls });
const followUp = (after: string, say: string, ...calls: Call[]): CorpusEntry => ({ say, after, calls });
const says = (say: string, reply: RegExp, after?: string): CorpusEntry => ({ say, calls: [], reply, ...(after ? { after } : {}) });

const WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR";

export const CORPUS: CorpusEntry[] = [
  // Times of day, in the person's zone (forward: "at 5pm" today if it is still to come).
  e("add call Bob at 5pm tomorrow", add("Call Bob", { dueDate: `${TOMORROW}T17:00` })),
  e("add dentist tomorrow at 5pm", add("Dentist", { dueDate: `${TOMORROW}T17:00` })),
  e("add check the oven in 2 hours", add("Check the oven", { dueDate: `${TODAY}T12:00` })),
  e("add team meeting next monday 9:30", add("Team meeting", { dueDate: `${TOMORROW}T09:30` })),
  e("add pay the gas bill on the 3rd", add("Pay the gas bill", { dueDate: "2026-12-03" })),
  e("add file expenses by the end of the month", add("File expenses", { dueDate: "2026-11-30" })),
  e("move the dentist to friday 4pm", upd("dentist", { dueDate: `${FRI}T16:00` })),
  // Repeating tasks: the rule, and the first occurrence from today.
  e("add standup every weekday at 9", add("Standup", { dueDate: `${TOMORROW}T09:00`, repeat: WEEKDAYS })),
  e("add water the plants every other week", add("Water the plants", { dueDate: TODAY, repeat: "FREQ=WEEKLY;INTERVAL=2" })),
  e("add pay rent monthly on the 15th", add("Pay rent", { dueDate: "2026-12-15", repeat: "FREQ=MONTHLY;BYMONTHDAY=15" })),
  e("add mum's birthday every year on 3 March", add("Mum's birthday", { dueDate: "2027-03-03", repeat: "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3" })),
  e("add gym every monday and thursday at 7am", add("Gym", { dueDate: `${TOMORROW}T07:00`, repeat: "FREQ=WEEKLY;BYDAY=MO,TH" })),
  e("add review budget on the last friday of every month", add("Review budget", { dueDate: FRI, repeat: "FREQ=MONTHLY;BYDAY=-1FR" })),
  e("add take vitamins every day", add("Take vitamins", { dueDate: TODAY, repeat: "FREQ=DAILY" })),
  e("repeat 3 every monday", upd(3, { repeat: "FREQ=WEEKLY;BYDAY=MO", dueDate: TOMORROW })),
  e("stop repeating the standup", upd("standup", { repeat: null })),
  e("don't repeat 4", upd(4, { repeat: null })),
  // Adding, with clean titles.
  e("add buy milk", add("Buy milk")),
  e("Add buy milk.", add("Buy milk")),
  e("ADD BUY MILK", add("BUY MILK")),
  e("add buy milk tomorrow", add("Buy milk", { dueDate: TOMORROW })),
  e("add buy milk tommorow", add("Buy milk", { dueDate: TOMORROW })),
  e("add buy milk tmrw", add("Buy milk", { dueDate: TOMORROW })),
  e("add buy milk tomorow!", add("Buy milk", { dueDate: TOMORROW })),
  e("add buy milk 2moro", add("Buy milk", { dueDate: TOMORROW })),
  e("add call the bank on wensday", add("Call the bank", { dueDate: WED })),
  e("add call the bank wednesday", add("Call the bank", { dueDate: WED })),
  e("add dentist appointment thursday", add("Dentist appointment", { dueDate: THU })),
  e("add dentist thrusday", add("Dentist", { dueDate: THU })),
  e("add pay rent on friday", add("Pay rent", { dueDate: FRI })),
  e("add pay rent firday", add("Pay rent", { dueDate: FRI })),
  e("add clean the garage saturday", add("Clean the garage", { dueDate: SAT })),
  e("add clean the garage on saterday", add("Clean the garage", { dueDate: SAT })),
  e("add water plants in 3 days", add("Water plants", { dueDate: WED })),
  e("add pay rent by dec 5", add("Pay rent", { dueDate: "2026-12-05" })),
  e("add file taxes by December 5th", add("File taxes", { dueDate: "2026-12-05" })),
  e("add submit report due friday", add("Submit report", { dueDate: FRI })),
  e("add buy milk for tomorrow, high priority", add("Buy milk", { priority: "high", dueDate: TOMORROW })),
  e("add buy milk, high priority", add("Buy milk", { priority: "high" })),
  e("add buy milk with low priority", add("Buy milk", { priority: "low" })),
  e("add buy milk low prio", add("Buy milk", { priority: "low" })),
  e("add buy milk, priority: low", add("Buy milk", { priority: "low" })),
  e("add renew passport, medium priority", add("Renew passport", { priority: "medium" })),
  e("add buy milk !high", add("Buy milk", { priority: "high" })),
  e("add call the plumber urgent", add("Call the plumber", { priority: "high" })),
  e("add call the plumber, it's urgent", add("Call the plumber", { priority: "high" })),
  e("add urgent: call the plumber", add("Call the plumber", { priority: "high" })),
  e("add call the plumber asap", add("Call the plumber", { priority: "high" })),
  e("add call the plumber ASAP!", add("Call the plumber", { priority: "high" })),
  e("add important: renew insurance", add("Renew insurance", { priority: "high" })),
  e("add renew insurance, very important", add("Renew insurance", { priority: "high" })),
  e("add renew insurance, it is really important", add("Renew insurance", { priority: "high" })),
  e("add renew insurance urgnet", add("Renew insurance", { priority: "high" })),
  e("add call the plumber, top priority", add("Call the plumber", { priority: "high" })),
  e("add fix the fence, not urgent", add("Fix the fence", { priority: "low" })),
  e("add fix the fence whenever", add("Fix the fence", { priority: "low" })),
  e("add finish the report by friday, it's urgent", add("Finish the report", { priority: "high", dueDate: FRI })),
  e("finish the report by friday, it's urgent", add("Finish the report", { priority: "high", dueDate: FRI })),
  e("add finish the report, it's urgent, by friday", add("Finish the report", { priority: "high", dueDate: FRI })),
  e("add urgent finish the report friday", add("Finish the report", { priority: "high", dueDate: FRI })),
  e("add tomorrow buy milk", add("Buy milk", { dueDate: TOMORROW })),
  e("add by friday send the invoice", add("Send the invoice", { dueDate: FRI })),
  e("add #home fix the sink", add("Fix the sink", { tags: ["home"] })),
  e("add fix the sink #home", add("Fix the sink", { tags: ["home"] })),
  e("add fix the #home sink", add("Fix the sink", { tags: ["home"] })),
  e("add fix the sink #home #diy", add("Fix the sink", { tags: ["home", "diy"] })),
  e("add fix the sink tagged home", add("Fix the sink", { tags: ["home"] })),
  e("add fix the sink, tag: home", add("Fix the sink", { tags: ["home"] })),
  e("add fix the sink labelled home", add("Fix the sink", { tags: ["home"] })),
  e("add pay rent friday #home !high", add("Pay rent", { priority: "high", dueDate: FRI, tags: ["home"] })),
  e("add buy milk to my shopping list", add("Buy milk", { tags: ["shopping"] })),
  e("put buy milk on my list", add("Buy milk")),
  e("add buy milk to my list", add("Buy milk")),
  e("Add a task to call mom on friday", add("Call mom", { dueDate: FRI })),
  e("add a new task: call mom", add("Call mom")),
  e("add a reminder to call mom", add("Call mom")),
  e("new task: file taxes", add("File taxes")),
  e("new todo - file taxes", add("File taxes")),
  e("create a task called file taxes", add("File taxes")),
  e("create task named Quarterly review", add("Quarterly review")),
  e("save: book flights", add("Book flights")),
  e("note down book flights", add("Down book flights")),
  e("jot down book flights", add("Book flights")),
  e("todo: book flights", add("Book flights")),
  e("please add book flights", add("Book flights")),
  e("can you add book flights?", add("Book flights")),
  e("Could you please add book flights", add("Book flights")),
  e("hey, add book flights", add("Book flights")),
  e("ok add book flights", add("Book flights")),
  e("remind me to call mom", add("Call mom")),
  e("remind me to call mom tomorrow", add("Call mom", { dueDate: TOMORROW })),
  e("Remind me to call mom on Friday.", add("Call mom", { dueDate: FRI })),
  e("remind me to pay rent by dec 5 #home", add("Pay rent", { dueDate: "2026-12-05", tags: ["home"] })),
  // Reminders at a time (Paris is UTC+1): a bare hour up to 7 is the evening; the task is due that day.
  e("remind me to call mom on sunday at 6", add("Call mom", { dueDate: TODAY, reminders: [{ at: "2026-11-22T17:00:00.000Z" }] })),
  e("remind me to call mom tomorrow at 9am", add("Call mom", { dueDate: TOMORROW, reminders: [{ at: "2026-11-23T08:00:00.000Z" }] })),
  e("Remind me to pay rent on Friday at 5:30pm", add("Pay rent", { dueDate: FRI, reminders: [{ at: "2026-11-27T16:30:00.000Z" }] })),
  e("I need to call the dentist", add("Call the dentist")),
  e("i need to call the dentist tmrw", add("Call the dentist", { dueDate: TOMORROW })),
  e("I have to renew my passport", add("Renew my passport")),
  e("I must renew my passport", add("Renew my passport")),
  e("i should renew my passport", add("Renew my passport")),
  e("I want to learn spanish", add("Learn spanish")),
  e("I gotta call mom", add("Call mom")),
  e("don't forget to call mom", add("Call mom")),
  e("Don’t forget to call mom friday", add("Call mom", { dueDate: FRI })),
  e("dont forget to call mom", add("Call mom")),
  e("remember to call mom", add("Call mom")),
  e("add I need to call mom", add("Call mom")),
  e("add remind me to call mom", add("Call mom")),
  e("add don't forget to water the plants", add("Water the plants")),
  e("new task: file taxes, urgent, tagged finance and home", add("File taxes", { priority: "high", tags: ["finance", "home"] })),
  e("add low fat milk", add("Low fat milk")),
  e("add high school reunion", add("High school reunion")),
  e("add buy a sundae", add("Buy a sundae")),
  e("add compete in the race", add("Compete in the race")),
  e("add call mom tmrw at 5", add("Call mom", { dueDate: `${TOMORROW}T17:00` })),
  e("add pick up kids, 3pm friday", add("Pick up kids", { dueDate: `${FRI}T15:00` })),
  e("Add Buy Milk Tomorrow", add("Buy Milk", { dueDate: TOMORROW })),
  e("add take out the trash and recycling", add("Take out the trash and recycling")),
  e("add rock & roll lesson", add("Rock & roll lesson")),

  // Several at once.
  e("add eggs, bread and milk", add("Eggs", { more: ["Bread", "Milk"] })),
  e("add eggs, bread, and milk", add("Eggs", { more: ["Bread", "Milk"] })),
  e("add eggs, bread & milk", add("Eggs", { more: ["Bread", "Milk"] })),
  e("add eggs and bread", add("Eggs", { more: ["Bread"] })),
  e("add eggs, bread and milk to my shopping list", add("Eggs", { tags: ["shopping"], more: ["Bread", "Milk"] })),
  e("add eggs, bread and milk #shopping", add("Eggs", { tags: ["shopping"], more: ["Bread", "Milk"] })),
  e("add eggs, bread and milk tomorrow", add("Eggs", { dueDate: TOMORROW, more: ["Bread", "Milk"] })),
  e("add call mom, book flights and pay rent", add("Call mom", { more: ["Book flights", "Pay rent"] })),
  e("add apples, pears, plums, cherries", add("Apples", { more: ["Pears", "Plums", "Cherries"] })),
  e("add salt and pepper chips", add("Salt and pepper chips")),
  e("add call mom and dad", add("Call mom and dad")),
  e("add research and write the essay", add("Research and write the essay")),
  e("add call mom, it's her birthday", add("Call mom, it's her birthday")),
  e("add book a table, dinner for 2", add("Book a table, dinner for 2")),
  e("add buy bread and butter", add("Buy bread and butter")),

  // Lists and questions.
  e("what's left?", list(OPEN)),
  e("I need to know what's left", list(OPEN)),
  e("show them", list(ALL)),
  e("list everything", list(ALL)),
  e("what's due", list(OPEN)),
  e("tasks", list(ALL)),
  e("what tasks do I have?", list(ALL)),
  e("show my tasks for tomorrow", list(DUE_TOMORROW)),
  e("what are my tasks today", list(DUE_TODAY)),
  e("what's on my plate today", list(DUE_TODAY)),
  e("what do I have going on today", list(DUE_TODAY)),
  e("what's on my agenda today?", list(DUE_TODAY)),
  e("what's scheduled for tomorrow", list(DUE_TOMORROW)),
  e("what's coming up", list(THIS_WEEK)),
  e("what's due soon?", list(THIS_WEEK)),
  e("show my tasks sorted by due date", list({ ...ALL, sort: "due" })),
  e("list todos by priority", list({ ...ALL, sort: "priority" })),
  e("whats left", list(OPEN)),
  e("What is left?", list(OPEN)),
  e("what's remaining", list(OPEN)),
  e("show my tasks", list(ALL)),
  e("Show my tasks!", list(ALL)),
  e("list my todos", list(ALL)),
  e("my tasks", list(ALL)),
  e("show me my list", list(ALL)),
  e("show my taks", list(ALL)),
  e("show open tasks", list(OPEN)),
  e("what's still open?", list(OPEN)),
  e("which tasks are pending?", list(OPEN)),
  e("what's not done yet", list(OPEN)),
  e("show done tasks", list(DONE)),
  e("show completed tasks", list(DONE)),
  e("list finished tasks", list(DONE)),
  e("what did I finish?", list(DONE)),
  e("What did I finish", list(DONE)),
  e("what did i complete?", list(DONE)),
  e("what have I done?", list(DONE)),
  e("what have i finished so far", list(DONE)),
  e("show me what I've completed", list(DONE)),
  e("how many tasks do I have?", list(ALL)),
  e("How many tasks do i have", list(ALL)),
  e("how many tasks are left?", list(OPEN)),
  e("how many open tasks", list(OPEN)),
  e("how many tasks have I completed?", list(DONE)),
  e("how many are overdue?", list(OVERDUE)),
  e("how many work tasks do I have", list({ ...ALL, tag: "work" })),
  e("show my work tasks", list({ ...ALL, tag: "work" })),
  e("show my Work tasks", list({ ...ALL, tag: "work" })),
  e("list the home tasks", list({ ...ALL, tag: "home" })),
  e("anything tagged home?", list({ ...ALL, tag: "home" })),
  e("list tasks tagged work", list({ ...ALL, tag: "work" })),
  e("show #work tasks", list({ ...ALL, tag: "work" })),
  e("show tasks labelled errands", list({ ...ALL, tag: "errands" })),
  e("tasks for work", list({ ...ALL, tag: "work" })),
  e("show my open work tasks", list({ ...OPEN, tag: "work" })),
  e("what's overdue?", list(OVERDUE)),
  e("whats overdue", list(OVERDUE)),
  e("anything overdue?", list(OVERDUE)),
  e("what is overdeu", list(OVERDUE)),
  e("show overdue tasks", list(OVERDUE)),
  e("which tasks are late?", list(OVERDUE)),
  e("what's past due", list(OVERDUE)),
  e("what's due today?", list(DUE_TODAY)),
  e("What do I have today?", list(DUE_TODAY)),
  e("what do i need to do today", list(DUE_TODAY)),
  e("anything due tonight?", list(DUE_TODAY)),
  e("what's due tomorrow?", list(DUE_TOMORROW)),
  e("what do I have tommorow?", list(DUE_TOMORROW)),
  e("what do i have tmrw", list(DUE_TOMORROW)),
  e("what's due tomorow", list(DUE_TOMORROW)),
  e("show tasks due tomorrow", list(DUE_TOMORROW)),
  e("what's due this week?", list(THIS_WEEK)),
  e("what do I have this week", list(THIS_WEEK)),
  e("show tasks due in the next 7 days", list(THIS_WEEK)),
  e("what's due next week?", list({ status: "pending", dueAfter: "2026-11-23", dueBefore: "2026-11-29", sort: "due" })),
  e("what's due on friday?", list({ status: "pending", dueAfter: FRI, dueBefore: FRI })),
  e("what do I have on wensday", list({ status: "pending", dueAfter: WED, dueBefore: WED })),
  e("show high priority tasks", list({ ...ALL, priority: "high" })),
  e("show me the urgent tasks", list({ ...ALL, priority: "high" })),
  e("list low priority todos", list({ ...ALL, priority: "low" })),
  e("show tasks about taxes", list({ ...ALL, q: "taxes" })),
  e("what should I do next?", list(NEXT)),
  e("What should i work on?", list(NEXT)),
  e("what's next", list(NEXT)),
  e("what do I do next?", list(NEXT)),
  e("where should I start?", list(NEXT)),
  e("what's most urgent?", list(NEXT)),
  e("what should I do first", list(NEXT)),

  // Completing.
  e("complete 3", done(3)),
  e("Complete #3.", done(3)),
  e("compelte 3", done(3)),
  e("mark #4 as done", done(4)),
  e("mark 4 done", done(4)),
  e("mark task 4 as complete", done(4)),
  e("I'm done with the milk", done("milk")),
  e("i'm done with the milk", done("milk")),
  e("I’m done with the milk", done("milk")),
  e("done with the milk", done("milk")),
  e("finished the report", done("report")),
  e("i finished the report", done("report")),
  e("I just finished the report!", done("report")),
  e("the report is done", done("report")),
  e("the report's done", done("report")),
  e("check off task 2", done(2)),
  e("tick off the milk", done("milk")),
  e("cross off milk", done("milk")),
  e("complete the report", done("report")),
  e("please complete number 5", done(5)),

  // Deleting.
  e("delete the meeting task", del("meeting")),
  e("delete 7", del(7)),
  e("Delete #7", del(7)),
  e("remove 7", del(7)),
  e("remvoe task 7", del(7)),
  e("delte the meeting", del("meeting")),
  e("get rid of the meeting", del("meeting")),
  e("cancel the dentist appointment", del("dentist appointment")),
  e("please delete the gym task", del("gym")),
  e("remove the milk from my list", del("milk")),
  e("take the milk off my list", del("milk")),

  // Changing.
  e("reopen 3", upd(3, { completed: false })),
  e("mark the milk as not done", upd("milk", { completed: false })),
  e("uncheck 3", upd(3, { completed: false })),
  e("rename 2 to Call the bank", upd(2, { title: "Call the bank" })),
  e("move the milk to friday", upd("milk", { dueDate: FRI })),
  e("move the milk to tmrw", upd("milk", { dueDate: TOMORROW })),
  e("postpone 3 until wensday", upd(3, { dueDate: WED })),
  e("push the report to saturday", upd("report", { dueDate: SAT })),
  e("make 2 low priority", upd(2, { priority: "low" })),
  e("make the report high priority", upd("report", { priority: "high" })),
  e("set priority of the report to high", upd("report", { priority: "high" })),
  e("change 3 priority to low", upd(3, { priority: "low" })),
  e("prioritize the report", upd("report", { priority: "high" })),
  e("update 3: high priority, due friday, #work", upd(3, { priority: "high", dueDate: FRI, tags: ["work"] })),
  e("clear the due date of 3", upd(3, { dueDate: null })),
  e("remove the due date from 3", upd(3, { dueDate: null })),
  e("set the due date of 3 to friday", upd(3, { dueDate: FRI })),
  e("the report is due thursday", upd("report", { dueDate: THU })),
  e("tag 3 as work", upd(3, { tags: ["work"] })),

  // Follow-ups about the task just mentioned.
  followUp(ADDED, "make it tomorrow", upd(7, { dueDate: TOMORROW })),
  followUp(ADDED, "make it tommorow", upd(7, { dueDate: TOMORROW })),
  followUp(ADDED, "actually high priority", upd(7, { priority: "high" })),
  followUp(ADDED, "Actually, high priority.", upd(7, { priority: "high" })),
  followUp(ADDED, "actually make it urgent", upd(7, { priority: "high" })),
  followUp(ADDED, "make it high priority", upd(7, { priority: "high" })),
  followUp(ADDED, "actually friday", upd(7, { dueDate: FRI })),
  followUp(ADDED, "no, friday instead", upd(7, { dueDate: FRI })),
  followUp(ADDED, "move it to friday", upd(7, { dueDate: FRI })),
  followUp(ADDED, "change it to buy oat milk", upd(7, { title: "Buy oat milk" })),
  followUp(ADDED, "rename it to Buy oat milk", upd(7, { title: "Buy oat milk" })),
  followUp(ADDED, "tag it shopping", upd(7, { tags: ["shopping"] })),
  followUp(ADDED, "remind me an hour before", ["update_task", { number: 7, reminders: [{ minutesBefore: 60 }] }]),
  followUp(ADDED, "remind me 30 minutes before", ["update_task", { number: 7, reminders: [{ minutesBefore: 30 }] }]),
  followUp(ADDED, "remind me half an hour before", ["update_task", { number: 7, reminders: [{ minutesBefore: 30 }] }]),
  followUp(ADDED, "remind me the day before at 9", ["update_task", { number: 7, reminders: [{ daysBefore: 1, time: "09:00" }] }]),
  followUp(ADDED, "remind me 2 days before", ["update_task", { number: 7, reminders: [{ minutesBefore: 2880 }] }]),
  followUp(ADDED, "delete it", del(7)),
  followUp(ADDED, "Delete that.", del(7)),
  followUp(ADDED, "remove that one", del(7)),
  followUp(ADDED, "mark it done", done(7)),
  followUp(ADDED, "complete it", done(7)),
  followUp(ADDED, "it's done", done(7)),
  followUp("Nice work — #4 “Call mom” is done. ✓", "reopen it", upd(4, { completed: false })),
  followUp("Updated #5 “Pay rent” (open · medium · due Fri).", "make it low priority", upd(5, { priority: "low" })),
  followUp(LISTED, "delete 2", del(2)),
  { say: "delete it", after: LISTED, calls: [], reply: WHICH },
  says("delete it", WHICH),
  says("make it tomorrow", WHICH),
  says("remind me an hour before", WHICH),
  says("actually high priority", WHICH),

  // Not sure: says so and offers the closest thing.
  says("what did I finish yesterday?", UNSURE),
  says("what did I do last week", UNSURE),
  says("my tasks are a mess", UNSURE),
  says("sort out my todo list for me", UNSURE),
  says("show my tasks from last month", UNSURE),
  says("what's overdue from my boss", /not sure[\s\S]*“what's overdue\?”/),
  says("show my work tasks from the old project", /not sure[\s\S]*“show my work tasks”/),
  says("the weather is nice", /not sure what to do/),
  says("ajoute du lait demain", /only understand English/),
  says("añade leche a la lista de tareas", /only understand English/),
  says("add", /What should I add/),

  // Many tasks at once: one update_tasks call with list_tasks' filters.
  e("complete all shopping tasks", many({ status: "pending", tag: "shopping" }, { completed: true })),
  e("Complete all my shopping tasks.", many({ status: "pending", tag: "shopping" }, { completed: true })),
  e("mark all tasks as done", many({ status: "pending" }, { completed: true })),
  e("mark all tasks done", many({ status: "pending" }, { completed: true })),
  e("mark everything as done", many({ status: "pending" }, { completed: true })),
  e("finish all work tasks", many({ status: "pending", tag: "work" }, { completed: true })),
  e("check off all tasks tagged home", many({ status: "pending", tag: "home" }, { completed: true })),
  e("complete every high priority task", many({ status: "pending", priority: "high" }, { completed: true })),
  e("complete all overdue tasks", many({ status: "pending", dueBefore: "2026-11-21" }, { completed: true })),
  e("clear completed", many({ status: "completed" }, { delete: true })),
  e("Clear completed tasks", many({ status: "completed" }, { delete: true })),
  e("clear done tasks", many({ status: "completed" }, { delete: true })),
  e("delete completed tasks", many({ status: "completed" }, { delete: true })),
  e("delete all completed tasks", many({ status: "completed" }, { delete: true })),
  e("remove the finished ones", many({ status: "completed" }, { delete: true })),
  e("delete all shopping tasks", many({ status: "all", tag: "shopping" }, { delete: true })),
  e("reopen all work tasks", many({ status: "completed", tag: "work" }, { completed: false })),
  e("make all work tasks high priority", many({ status: "pending", tag: "work" }, { priority: "high" })),
  e("move all shopping tasks to friday", many({ status: "pending", tag: "shopping" }, { dueDate: FRI })),
  e("postpone all tasks due today to tomorrow", many({ status: "pending", dueBefore: TODAY }, { dueDate: TOMORROW })),
  e("tag all tasks about invoices as work", many({ status: "all", q: "invoices" }, { addTag: "work" })),

  // Several into one list, as one call.
  e("add eggs, bread and milk to shopping", add("Eggs", { tags: ["shopping"], more: ["Bread", "Milk"] })),
  e("add bread, cheese and wine to party", add("Bread", { tags: ["party"], more: ["Cheese", "Wine"] })),
  e("add call mom, book flights and go to paris", add("Call mom", { more: ["Book flights", "Go to paris"] })),
  e("add apples and pears #groceries", add("Apples", { tags: ["groceries"], more: ["Pears"] })),

  // Undo, and bringing a deleted task back from the Trash.
  e("undo", undo()),
  e("Undo that", undo()),
  e("undo that!", undo()),
  e("oops, undo", undo()),
  e("undo the last change", undo()),
  e("take that back", undo()),
  e("bring back the milk task", undo("milk")),
  e("bring the milk task back", undo("milk")),
  e("restore the milk task from the trash", undo("milk")),
  e("undelete 3", undo(3)),
  followUp("Deleted #4 “Call mom” (it's in the Trash; say “undo” to bring it back).", "bring it back", undo(4)),

  // Small talk.
  says("hello!", /Hi!/),
  says("help", /I can manage your todo list/),
  says("what can you do?", /I can manage your todo list/),
  says("thanks", /welcome/),
];

/** A model's answer to one entry: the tool calls it made and the text it said (when it made none). */
export async function answer(model: LanguageModelV3, entry: CorpusEntry): Promise<{ calls: Call[]; text: string }> {
  const prompt: LanguageModelV3Prompt = [];
  if (entry.after) {
    prompt.push({ role: "user", content: [{ type: "text", text: "(earlier)" }] });
    prompt.push({ role: "assistant", content: [{ type: "text", text: entry.after }] });
  }
  prompt.push({ role: "user", content: [{ type: "text", text: entry.say }] });
  const tools = Object.values(TOOL_NAMES).map((name) => ({
    type: "function" as const,
    name,
    inputSchema: { type: "object" as const },
  }));
  const result = await model.doGenerate({ prompt, tools, providerOptions: { offline: { timeZone: CORPUS_TIME_ZONE } } });
  const calls: Call[] = [];
  let text = "";
  for (const c of result.content) {
    if (c.type === "tool-call") calls.push([c.toolName, JSON.parse(c.input) as Record<string, unknown>]);
    else if (c.type === "text") text += c.text;
  }
  return { calls, text };
}

/** Whether a model's answer is exactly what the entry asks for. */
export function isRight(entry: CorpusEntry, got: { calls: Call[]; text: string }): boolean {
  if (JSON.stringify(normalise(got.calls)) !== JSON.stringify(normalise(entry.calls))) return false;
  return entry.reply ? entry.reply.test(got.text) : true;
}

/** Calls with their arguments' keys in one order, so two equal calls compare equal. */
function normalise(calls: Call[]): unknown {
  const sorted = (v: unknown): unknown =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, x]) => [k, sorted(x)]),
        )
      : v;
  return calls.map(([name, args]) => [name, sorted(args)]);
}
