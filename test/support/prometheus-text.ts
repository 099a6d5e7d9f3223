/** A strict reader of the Prometheus text format, for the metrics-file tests. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/;
const LABEL_PAIR = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/;

function parseValue(text: string, lineNumber: number): number {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
    throw new Error(`line ${lineNumber}: "${text}" is not a float`);
  }
  return Number(text);
}

function parseLabels(text: string, lineNumber: number): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest !== '') {
    const match = LABEL_PAIR.exec(rest);
    if (match === null) throw new Error(`line ${lineNumber}: bad label set {${text}}`);
    const [whole, name = '', raw = ''] = match;
    if (name in labels) throw new Error(`line ${lineNumber}: label ${name} repeated`);
    labels[name] = raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(whole.length);
    if (rest.startsWith(',')) rest = rest.slice(1);
    else if (rest !== '') throw new Error(`line ${lineNumber}: expected "," in {${text}}`);
  }
  return labels;
}

/**
 * A strict reader of the Prometheus text exposition format 0.0.4: only HELP/TYPE comments, TYPE
 * before a family's samples and at most once, a family's samples together, every sample of a
 * declared family, no duplicate series, valid names, quoted label values, float values, and a final
 * newline. Throws on the first violation.
 */
export function parsePrometheusText(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const result: Exposition = { types: new Map(), help: new Map(), samples: [] };
  const finished = new Set<string>();
  const series = new Set<string>();
  let current: string | null = null;
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
      if (match === null) throw new Error(`line ${lineNumber}: unexpected comment: ${line}`);
      const [, kind = '', name = '', rest = ''] = match;
      if (!METRIC_NAME.test(name)) throw new Error(`line ${lineNumber}: bad metric name ${name}`);
      if (finished.has(name) || (current !== null && current !== name && result.types.has(name))) {
        throw new Error(`line ${lineNumber}: ${name} declared after its samples`);
      }
      if (current !== null && current !== name) finished.add(current);
      current = name;
      if (kind === 'HELP') {
        if (result.help.has(name)) throw new Error(`line ${lineNumber}: second HELP for ${name}`);
        result.help.set(name, rest);
      } else {
        if (result.types.has(name)) throw new Error(`line ${lineNumber}: second TYPE for ${name}`);
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) {
          throw new Error(`line ${lineNumber}: unknown type ${rest}`);
        }
        result.types.set(name, rest);
      }
      return;
    }
    const match = SAMPLE_LINE.exec(line);
    if (match === null) throw new Error(`line ${lineNumber}: not a sample: ${line}`);
    const [, name = '', labelText, valueText = ''] = match;
    if (name !== current || !result.types.has(name)) {
      throw new Error(`line ${lineNumber}: sample of ${name} outside its declared family`);
    }
    const labels = parseLabels(labelText ?? '', lineNumber);
    for (const label of Object.keys(labels)) {
      if (!LABEL_NAME.test(label)) throw new Error(`line ${lineNumber}: bad label name ${label}`);
    }
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (series.has(key)) throw new Error(`line ${lineNumber}: duplicate series ${key}`);
    series.add(key);
    const value = parseValue(valueText, lineNumber);
    if (result.types.get(name) === 'counter' && !(value >= 0)) {
      throw new Error(`line ${lineNumber}: counter ${name} is ${value}`);
    }
    result.samples.push({ name, labels, value });
  });
  return result;
}

export function valueOf(
  exposition: Exposition,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  return exposition.samples.find(
    (sample) => sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === wanted,
  )?.value;
}
