// add_hparams' three summaries (plugin "hparams"): the experiment (which hparams and metrics exist), the session
// start (this run's values) and the session end. TensorBoard's HParams tab joins them with the run's metric scalars.
import { HParamsPluginDataProto } from "./schema";
import { pluginMetadata, type SummaryValueInit } from "./encode";

export type HparamValue = number | string | boolean;

const DATA_TYPE = { STRING: 1, BOOL: 2, FLOAT64: 3 } as const;
const STATUS_SUCCESS = 1;

function protoValue(value: HparamValue): Record<string, unknown> {
  if (typeof value === "number") return { number_value: value };
  if (typeof value === "boolean") return { bool_value: value };
  return { string_value: value };
}

function dataType(value: HparamValue): number {
  if (typeof value === "number") return DATA_TYPE.FLOAT64;
  return typeof value === "boolean" ? DATA_TYPE.BOOL : DATA_TYPE.STRING;
}

function hparamsValue(tag: string, data: Record<string, unknown>): SummaryValueInit {
  const content = HParamsPluginDataProto.encode({ version: 0, ...data }).finish();
  return { tag: `_hparams_/${tag}`, metadata: pluginMetadata("hparams", content) };
}

/** Checks the user's dictionaries at the call and drops `undefined`/`null` entries (as PyTorch drops None). */
export function checkHparams(hparams: Record<string, unknown>): Record<string, HparamValue> {
  if (hparams === null || typeof hparams !== "object") {
    throw new TypeError(`addHparams expects an object of hyperparameters, got ${String(hparams)}`);
  }
  const out: Record<string, HparamValue> = {};
  for (const [name, value] of Object.entries(hparams)) {
    if (value === undefined || value === null) continue;
    if (!["number", "string", "boolean"].includes(typeof value)) {
      throw new TypeError(
        `hyperparameter "${name}" must be a number, string or boolean, got ${typeof value}`,
      );
    }
    out[name] = value as HparamValue;
  }
  return out;
}

/**
 * PyTorch's hparam_domain_discrete: for some hparams, every value they can take (the HParams tab offers them as
 * filter checkboxes). Each must name a logged hparam and hold values of its type.
 */
export function checkDomains(
  hparams: Record<string, HparamValue>,
  domains: Record<string, HparamValue[]> | undefined,
): Record<string, HparamValue[]> {
  if (domains === undefined) return {};
  if (domains === null || typeof domains !== "object")
    throw new TypeError("addHparams: hparamDomainDiscrete must be {name: [values]}");
  for (const [name, values] of Object.entries(domains)) {
    if (!(name in hparams))
      throw new RangeError(
        `addHparams: hparamDomainDiscrete names "${name}", which is not among the hparams`,
      );
    const type = typeof hparams[name];
    if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== type))
      throw new TypeError(
        `addHparams: hparamDomainDiscrete["${name}"] must be a non-empty array of ${type}s`,
      );
  }
  return domains;
}

export function hparamsSummaryValues(
  hparams: Record<string, HparamValue>,
  metricTags: string[],
  domains: Record<string, HparamValue[]> = {},
): SummaryValueInit[] {
  const experiment = {
    hparam_infos: Object.entries(hparams).map(([name, v]) => ({
      name,
      type: dataType(v),
      ...(domains[name] ? { domain_discrete: { values: domains[name].map(protoValue) } } : {}),
    })),
    metric_infos: metricTags.map((tag) => ({ name: { tag } })),
  };
  const hparamMap = Object.fromEntries(Object.entries(hparams).map(([k, v]) => [k, protoValue(v)]));
  return [
    hparamsValue("experiment", { experiment }),
    hparamsValue("session_start_info", { session_start_info: { hparams: hparamMap } }),
    hparamsValue("session_end_info", { session_end_info: { status: STATUS_SUCCESS } }),
  ];
}
