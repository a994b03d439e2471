// Original file: proto/wepadim/v1/wepadim.proto


export interface StatusRequest {
}

export interface StatusRequest__Output {
}
