/** Effects applied to SIP messages: shared by the signaling core, `sbc preview` and `sbc test`. */
export { applyEffects, type Decisions, emptyDecisions, statusLine } from './apply-to-message.ts';
export { classifyTrunk } from './classify.ts';
export { describeHook, type HandlerMatch, matchHandlers, mismatch } from './handler-match.ts';
export { type LoadedMessage, loadMessage, MessageFileError } from './message-file.ts';
export {
  HOOK_NAMES,
  type HookName,
  type HookRunner,
  hookInputFor,
  type PreviewOptions,
  type PreviewResult,
  previewMessage,
} from './preview.ts';
export { messageSnapshot, nameAddrSnapshot, SnapshotError, uriSnapshot } from './snapshot.ts';
export { unifiedDiff } from './unified-diff.ts';
