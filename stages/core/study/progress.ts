/** Called after each unit of work so the shell can print progress. */
export type Progress = (done: number, total: number) => void;
