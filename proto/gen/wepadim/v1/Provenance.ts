// Original file: proto/wepadim/v1/wepadim.proto


export interface Provenance {
  'code_version'?: (string);
  'backend'?: (string);
  'device'?: (string);
  'weights'?: (string);
  'dataset_root'?: (string);
  'class'?: (string);
}

export interface Provenance__Output {
  'code_version': (string);
  'backend': (string);
  'device': (string);
  'weights': (string);
  'dataset_root': (string);
  'class': (string);
}
