/// <reference lib="webworker" />
/**
 * The diagnostics worker: the compiler from dsl/ off the main thread, so typing never waits for
 * a check. Each message changes the file set and answers with the diagnostics of all files.
 */
import { RuleChecker } from './checker.ts';
import type { CheckRequest, CheckResponse } from './protocol.ts';

const checker = new RuleChecker();

self.onmessage = (event: MessageEvent<CheckRequest>) => {
  const request = event.data;
  if (request.kind === 'files') checker.setFiles(request.files);
  else if (request.kind === 'edit') checker.setFile(request.path, request.text);
  else checker.removeFile(request.path);
  const started = performance.now();
  const diagnostics = checker.check();
  const response: CheckResponse = { seq: request.seq, diagnostics, ms: performance.now() - started };
  self.postMessage(response);
};
