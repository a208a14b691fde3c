// html.ts (edited elsewhere in parallel) still imports the view from here: switch it to
// ./describe-change.js at the merge and delete this file.
export { describeChange } from "./describe-change.js";
