import { SingleBar, Presets } from 'cli-progress';

/**
 * A progress bar on stderr for long jobs (large imports and evaluations). Silent when stderr
 * is not a terminal or the job is small, so scripts and CI logs stay clean.
 */
export function progressBar(label: string, minTotal = 2000): { update: (done: number, total: number) => void; stop: () => void } {
  let bar: SingleBar | undefined;
  return {
    update(done, total) {
      if (!process.stderr.isTTY || total < minTotal) return;
      if (!bar) {
        bar = new SingleBar(
          { format: `${label} [{bar}] {percentage}% {value}/{total}`, stream: process.stderr, clearOnComplete: true },
          Presets.shades_classic,
        );
        bar.start(total, done);
      }
      bar.update(done);
    },
    stop() {
      bar?.stop();
    },
  };
}
