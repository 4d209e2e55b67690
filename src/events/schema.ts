// The few TensorBoard protobuf messages tensorscope reads and writes, declared from the published field numbers
// (tensorboard/compat/proto/*.proto, plugins/hparams/*.proto) so that no TensorFlow or generated code is needed.
import protobuf from "protobufjs";

const PROTO = `
syntax = "proto3";
package tensorboard;

message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    bytes graph_def = 4;
    Summary summary = 5;
    bytes log_message = 6;
    SessionLog session_log = 7;
    TaggedRunMetadata tagged_run_metadata = 8;
    bytes meta_graph_def = 9;
  }
  SourceMetadata source_metadata = 10;
}
message SourceMetadata { string writer = 1; }
message SessionLog { int32 status = 1; string checkpoint_path = 2; string msg = 3; }
message TaggedRunMetadata { string tag = 1; bytes run_metadata = 2; }

message Summary {
  message Image { int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4; }
  message Audio {
    float sample_rate = 1; int64 num_channels = 2; int64 length_frames = 3;
    bytes encoded_audio_string = 4; string content_type = 5;
  }
  message Value {
    string node_name = 7;
    string tag = 1;
    SummaryMetadata metadata = 9;
    oneof value {
      float simple_value = 2;
      bytes obsolete_old_style_histogram = 3;
      Image image = 4;
      HistogramProto histo = 5;
      Audio audio = 6;
      TensorProto tensor = 8;
    }
  }
  repeated Value value = 1;
}
message SummaryMetadata {
  message PluginData { string plugin_name = 1; bytes content = 2; }
  PluginData plugin_data = 1;
  string display_name = 2;
  string summary_description = 3;
  int32 data_class = 4;
}
message HistogramProto {
  double min = 1; double max = 2; double num = 3; double sum = 4; double sum_squares = 5;
  repeated double bucket_limit = 6 [packed = true];
  repeated double bucket = 7 [packed = true];
}
message TensorShapeProto {
  message Dim { int64 size = 1; string name = 2; }
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}
message TensorProto {
  int32 dtype = 1;
  TensorShapeProto tensor_shape = 2;
  int32 version_number = 3;
  bytes tensor_content = 4;
  repeated int32 half_val = 13 [packed = true];
  repeated float float_val = 5 [packed = true];
  repeated double double_val = 6 [packed = true];
  repeated int32 int_val = 7 [packed = true];
  repeated bytes string_val = 8;
  repeated int64 int64_val = 10 [packed = true];
  repeated bool bool_val = 11 [packed = true];
  repeated uint32 uint32_val = 16 [packed = true];
  repeated uint64 uint64_val = 17 [packed = true];
}

message GraphDef { repeated NodeDef node = 1; VersionDef versions = 4; }
message VersionDef { int32 producer = 1; int32 min_consumer = 2; repeated int32 bad_consumers = 3; }
message NodeDef {
  string name = 1; string op = 2; repeated string input = 3; string device = 4;
  map<string, AttrValue> attr = 5;
}
message AttrValue {
  message ListValue {
    repeated bytes s = 2; repeated int64 i = 3 [packed = true]; repeated float f = 4 [packed = true];
    repeated bool b = 5 [packed = true]; repeated int32 type = 6 [packed = true]; repeated TensorShapeProto shape = 7;
  }
  oneof value {
    ListValue list = 1; bytes s = 2; int64 i = 3; float f = 4; bool b = 5; int32 type = 6;
    TensorShapeProto shape = 7; TensorProto tensor = 8;
  }
}

message TextPluginData { int32 version = 1; }
message AudioPluginData { int32 version = 1; int32 encoding = 2; bool converted_to_tensor = 3; }
message MeshPluginData {
  int32 version = 1; string name = 2; int32 content_type = 3; string json_config = 5;
  repeated int32 shape = 6 [packed = true]; uint32 components = 7;
}
message Layout { int32 version = 1; repeated Category category = 2; }
message Category { string title = 1; repeated Chart chart = 2; bool closed = 3; }
message Chart {
  string title = 1;
  oneof content { MultilineChartContent multiline = 2; MarginChartContent margin = 3; }
}
message MultilineChartContent { repeated string tag = 1; }
message MarginChartContent {
  message Series { string value = 1; string lower = 2; string upper = 3; }
  repeated Series series = 1;
}
message PrCurvePluginData { int32 version = 1; uint32 num_thresholds = 2; }

message ProtoValue {
  oneof kind {
    int32 null_value = 1; double number_value = 2; string string_value = 3; bool bool_value = 4;
    ProtoListValue list_value = 6;
  }
}
message ProtoListValue { repeated ProtoValue values = 1; }
message HParamsPluginData {
  int32 version = 1;
  oneof data {
    Experiment experiment = 2;
    SessionStartInfo session_start_info = 3;
    SessionEndInfo session_end_info = 4;
  }
}
message SessionStartInfo {
  map<string, ProtoValue> hparams = 1;
  string model_uri = 2; string monitor_url = 3; string group_name = 4; double start_time_secs = 5;
}
message SessionEndInfo { int32 status = 1; double end_time_secs = 2; }
message Experiment {
  string description = 1; string user = 2; double time_created_secs = 3;
  repeated HParamInfo hparam_infos = 4; repeated MetricInfo metric_infos = 5; string name = 6;
}
message HParamInfo {
  string name = 1; string display_name = 2; string description = 3; int32 type = 4;
  oneof domain { ProtoListValue domain_discrete = 5; Interval domain_interval = 6; }
}
message Interval { double min_value = 1; double max_value = 2; }
message MetricName { string group = 1; string tag = 2; }
message MetricInfo { MetricName name = 1; string display_name = 3; string description = 4; int32 dataset_type = 5; }
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;
const type = (name: string): protobuf.Type => root.lookupType(`tensorboard.${name}`);

export const EventProto = type("Event");
export const SummaryProto = type("Summary");
export const HistogramProtoType = type("HistogramProto");
export const TensorProtoType = type("TensorProto");
export const GraphDefProto = type("GraphDef");
export const TextPluginDataProto = type("TextPluginData");
export const PrCurvePluginDataProto = type("PrCurvePluginData");
export const AudioPluginDataProto = type("AudioPluginData");
export const MeshPluginDataProto = type("MeshPluginData");
export const LayoutProto = type("Layout");
export const HParamsPluginDataProto = type("HParamsPluginData");

/** TensorFlow DataType numbers used here (types.proto). */
export const DT = {
  FLOAT: 1,
  DOUBLE: 2,
  INT32: 3,
  UINT8: 4,
  INT16: 5,
  INT8: 6,
  STRING: 7,
  INT64: 9,
  BOOL: 10,
  UINT16: 17,
  HALF: 19,
  UINT32: 22,
  UINT64: 23,
} as const;

/** Decoding options: int64 as JS numbers (steps stay below 2^53), bytes as Buffers, defaults filled in. */
export const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, bytes: Buffer, defaults: false };

export type Long = number | { toNumber(): number };
export function toNumber(value: Long | undefined | null): number {
  if (value === undefined || value === null) return 0;
  return typeof value === "number" ? value : value.toNumber();
}
