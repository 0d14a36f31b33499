// Batches over the store: see models/store/README.md.
export { BatchQueue, type BatchEvent, type BatchQueueOptions } from './queue';
export type { PageRequest, PageResult, Runner } from './runner';
export { enqueueBatch, batchSignature, type BatchRequest, type EnqueueResult, type InspectDocument } from './enqueue';
export { expandInputs, DOCUMENT_EXTENSIONS, type ExpandedInputs } from './inputs';
export { PageSource } from './page-source';
export { resolveModel, modelIdOf, appModelFolders, type ModelRef } from './model-ref';
