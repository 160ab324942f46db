#!/usr/bin/python3
"""Checks Weft's xDS protos against the Envoy protos built into Debian's libgrpc.

gRPC's C++ core (1.51) carries serialized FileDescriptorProtos of the Envoy xDS
definitions it parses (its upb "defs"). This script recovers them from the shared
library and compares, for every message and enum in our descriptor set: field
numbers, names, types, labels, message/enum type names, oneof membership, enum
values and ADS/SDS method signatures. Any difference is a wire incompatibility.

Usage: compare_descriptors.py OUR_DESCRIPTOR_SET LIBGRPC_SO
Exit status 0 when everything that gRPC also defines matches, 1 otherwise.
"""

import re
import sys

from google.protobuf import descriptor_pb2

# Fields and types newer than (or absent from) gRPC 1.51's copy, checked by hand
# against envoyproxy/envoy's api/ tree instead.
KNOWN_UNVERIFIABLE = {
    ".envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
    ".envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.WeightedCluster",
    ".envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.WeightedCluster.ClusterWeight",
    ".envoy.config.route.v3.RouteConfiguration.typed_per_filter_config",
    ".envoy.config.route.v3.RouteConfiguration.TypedPerFilterConfigEntry",
    ".envoy.extensions.transport_sockets.tls.v3.TlsParameters.signature_algorithms",
    ".envoy.service.discovery.v3.Resource.metadata",
    ".envoy.service.secret.v3.SecretDiscoveryService",
    # Checked against envoyproxy/envoy api/ (resilience config, issue 6).
    ".envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
    ".envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
    ".envoy.extensions.upstreams.http.v3.HttpProtocolOptions.ExplicitHttpConfig",
    ".envoy.extensions.upstreams.http.v3.HttpProtocolOptions.UseDownstreamHttpConfig",
    ".envoy.extensions.upstreams.http.v3.HttpProtocolOptions.AutoHttpConfig",
}


def read_varint(data, pos):
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("bad varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, pos


def file_descriptor_extent(data, start):
    """Returns the bytes of a FileDescriptorProto starting at `start`: top-level
    fields are walked until a tag that cannot belong to one."""
    pos = start
    while pos < len(data):
        try:
            tag, nxt = read_varint(data, pos)
            number, wire_type = tag >> 3, tag & 7
            if not 1 <= number <= 14 or wire_type not in (0, 2):
                break
            value, nxt = read_varint(data, nxt)
            if wire_type == 2:
                if nxt + value > len(data):
                    break
                nxt += value
        except ValueError:
            break
        pos = nxt
    return data[start:pos]


def descriptors_in_library(path):
    data = open(path, "rb").read()
    files = {}
    for match in re.finditer(rb"\n.(envoy|google|xds|udpa|validate)/[a-z0-9_/]+\.proto", data):
        proto = descriptor_pb2.FileDescriptorProto()
        try:
            proto.ParseFromString(file_descriptor_extent(data, match.start()))
        except Exception:  # Not a descriptor after all.
            continue
        if proto.name and proto.name not in files and (
                proto.message_type or proto.enum_type or proto.service):
            files[proto.name] = proto
    return files.values()


def index(files):
    messages, enums, services = {}, {}, {}

    def add_message(prefix, message):
        name = prefix + "." + message.name
        messages[name] = message
        for nested in message.nested_type:
            add_message(name, nested)
        for enum in message.enum_type:
            enums[name + "." + enum.name] = enum

    for proto in files:
        prefix = "." + proto.package if proto.package else ""
        for message in proto.message_type:
            add_message(prefix, message)
        for enum in proto.enum_type:
            enums[prefix + "." + enum.name] = enum
        for service in proto.service:
            services[prefix + "." + service.name] = service
    return messages, enums, services


def main(argv):
    if len(argv) != 3:
        print(__doc__)
        return 2
    ours = descriptor_pb2.FileDescriptorSet()
    ours.ParseFromString(open(argv[1], "rb").read())
    our_messages, our_enums, our_services = index(
        f for f in ours.file if not f.name.startswith("google/protobuf/"))
    ref_messages, ref_enums, ref_services = index(descriptors_in_library(argv[2]))
    if not ref_messages:
        print("no Envoy descriptors found in", argv[2])
        return 1

    problems, checked, unverified = [], 0, []

    def unverifiable(name):
        if name not in KNOWN_UNVERIFIABLE:
            problems.append("not in gRPC's copy (verify by hand, then allow-list): " + name)
        unverified.append(name)

    for name, message in sorted(our_messages.items()):
        ref = ref_messages.get(name)
        if ref is None:
            unverifiable(name)
            continue
        ref_fields = {f.number: f for f in ref.field}
        for field in message.field:
            checked += 1
            other = ref_fields.get(field.number)
            if other is None:
                unverifiable(name + "." + field.name)
                continue
            where = "%s.%s (#%d)" % (name, field.name, field.number)
            for attr in ("name", "type", "label", "type_name"):
                if getattr(field, attr) != getattr(other, attr):
                    problems.append("%s: %s %r != gRPC's %r" % (
                        where, attr, getattr(field, attr), getattr(other, attr)))
            ours_oneof = (message.oneof_decl[field.oneof_index].name
                          if field.HasField("oneof_index") else None)
            ref_oneof = (ref.oneof_decl[other.oneof_index].name
                         if other.HasField("oneof_index") else None)
            if ours_oneof != ref_oneof:
                problems.append("%s: oneof %s != gRPC's %s" % (where, ours_oneof, ref_oneof))
    for name, enum in sorted(our_enums.items()):
        ref = ref_enums.get(name)
        if ref is None:
            unverifiable(name)
            continue
        ref_values = {v.number: v.name for v in ref.value}
        for value in enum.value:
            checked += 1
            if ref_values.get(value.number) != value.name:
                problems.append("%s.%s = %d: gRPC has %s" % (
                    name, value.name, value.number, ref_values.get(value.number)))
    for name, service in sorted(our_services.items()):
        ref = ref_services.get(name)
        if ref is None:
            unverifiable(name)
            continue
        ref_methods = {m.name: m for m in ref.method}
        for method in service.method:
            checked += 1
            other = ref_methods.get(method.name)
            if other is None or (method.input_type, method.output_type,
                                 method.client_streaming, method.server_streaming) != (
                                     other.input_type, other.output_type,
                                     other.client_streaming, other.server_streaming):
                problems.append("%s.%s: signature differs from gRPC's" % (name, method.name))

    print("checked %d fields/values/methods against %s; %d only hand-verified" % (
        checked, argv[2], len(unverified)))
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
