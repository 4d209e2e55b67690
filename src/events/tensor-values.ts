// The values of a decoded TensorProto, whichever way the writer stored them: raw little-endian tensor_content
// (PyTorch's make_tensor_proto for numeric arrays) or the typed repeated fields (float_val, int_val, ...).
import { DT, toNumber, type Long } from "./schema";

/* eslint-disable @typescript-eslint/no-explicit-any -- decoded protobuf messages are dynamic */

export const DTYPE_NAMES: Record<number, string> = {
  [DT.FLOAT]: "float32",
  [DT.DOUBLE]: "float64",
  [DT.INT32]: "int32",
  [DT.UINT8]: "uint8",
  [DT.INT16]: "int16",
  [DT.INT8]: "int8",
  [DT.STRING]: "string",
  [DT.INT64]: "int64",
  [DT.BOOL]: "bool",
  [DT.UINT16]: "uint16",
  [DT.HALF]: "float16",
  [DT.UINT32]: "uint32",
  [DT.UINT64]: "uint64",
};

/** IEEE half-precision bits to a number (TensorProto keeps fp16 values as their bits in half_val). */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

type Reader = [bytes: number, read: (view: DataView, offset: number) => number];

const CONTENT_READERS: Record<number, Reader> = {
  [DT.FLOAT]: [4, (v, o) => v.getFloat32(o, true)],
  [DT.DOUBLE]: [8, (v, o) => v.getFloat64(o, true)],
  [DT.INT32]: [4, (v, o) => v.getInt32(o, true)],
  [DT.INT64]: [8, (v, o) => Number(v.getBigInt64(o, true))],
  [DT.UINT64]: [8, (v, o) => Number(v.getBigUint64(o, true))],
  [DT.UINT32]: [4, (v, o) => v.getUint32(o, true)],
  [DT.INT16]: [2, (v, o) => v.getInt16(o, true)],
  [DT.UINT16]: [2, (v, o) => v.getUint16(o, true)],
  [DT.INT8]: [1, (v, o) => v.getInt8(o)],
  [DT.UINT8]: [1, (v, o) => v.getUint8(o)],
  [DT.BOOL]: [1, (v, o) => v.getUint8(o)],
  [DT.HALF]: [2, (v, o) => halfToNumber(v.getUint16(o, true))],
};

/** The numbers of a numeric tensor, row-major ([] for a string tensor or a dtype we cannot read). */
export function numbersOfTensor(tensor: any): number[] {
  const content: Uint8Array | undefined = tensor.tensor_content;
  if (content && content.length > 0) {
    const reader = CONTENT_READERS[tensor.dtype];
    if (!reader) return [];
    const [size, read] = reader;
    const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
    return Array.from({ length: Math.floor(content.length / size) }, (_, i) => read(view, i * size));
  }
  for (const field of ["float_val", "double_val", "int_val", "uint32_val"])
    if (tensor[field]?.length) return Array.from(tensor[field] as number[]);
  for (const field of ["int64_val", "uint64_val"])
    if (tensor[field]?.length) return tensor[field].map((v: Long) => toNumber(v));
  if (tensor.bool_val?.length) return tensor.bool_val.map((b: boolean) => (b ? 1 : 0));
  if (tensor.half_val?.length) return tensor.half_val.map(halfToNumber);
  return [];
}

export function shapeOfTensor(tensor: any): number[] {
  return (tensor.tensor_shape?.dim ?? []).map((d: any) => toNumber(d.size));
}

/**
 * A tensor filled in as TensorFlow reads it: a single stored value stands for every element (make_tensor_proto
 * writes one value when all are equal), and a rank-0 shape holds one element.
 */
export function fullNumbersOfTensor(tensor: any): number[] {
  const numbers = numbersOfTensor(tensor);
  const count = shapeOfTensor(tensor).reduce((a, b) => a * b, 1);
  if (numbers.length === 1 && count > 1) return new Array<number>(count).fill(numbers[0]);
  return numbers;
}

/** A Buffer over the same memory (no copy: the reader turns it into a file slice or a copy of its own). */
export function bytesView(bytes: Uint8Array | undefined): Buffer {
  if (!bytes) return Buffer.alloc(0);
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
