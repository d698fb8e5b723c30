export { MAX_HISTORY, openFolderState, stateDir, stateFileFor, type FolderState, type FolderStateData, type FolderStateOptions } from './folderState.js';
