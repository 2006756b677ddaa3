#!/usr/bin/env bash
# Regenerates Sources/RunexpONNX/onnx.pb.swift from Proto/onnx.proto (ONNX 1.23.2's onnx.proto,
# Apache-2.0, copied from the onnx Python package: python -c 'import onnx, os; print(os.path.dirname(onnx.__file__))').
# Not run by CI: building the plugin takes minutes. Needs protoc (Debian: apt-get install protobuf-compiler)
# and swift-protobuf's plugin at the version Package.swift names:
#   git clone https://github.com/apple/swift-protobuf /tmp/swift-protobuf && cd /tmp/swift-protobuf \
#     && git checkout 1.39.0 && swift build -c release --product protoc-gen-swift
set -euo pipefail
cd "$(dirname "$0")/.."
PLUGIN=${PROTOC_GEN_SWIFT:-/tmp/swift-protobuf/.build/release/protoc-gen-swift}
protoc --plugin=protoc-gen-swift="$PLUGIN" --proto_path=Proto \
  --swift_opt=Visibility=Public --swift_out=Sources/RunexpONNX Proto/onnx.proto
echo "wrote Sources/RunexpONNX/onnx.pb.swift"
