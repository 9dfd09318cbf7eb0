/** Everything `tanya import …` uses, in one module the CLI loads only when an import runs. */
export { readDialogflowAgent } from './dialogflow';
export { writeMigration } from './migrate';
export { readRasaProject } from './rasa';
export { readFaqSheet, readQnaMaker } from './spreadsheet';
export { prepareImportFolder } from './write-faq';
