"""C++ code generation for .proto files with Debian's protoc and grpc_cpp_plugin.

Weft builds offline, so instead of rules_proto/grpc's Bazel rules this file drives
the system compilers (/usr/bin/protoc 3.21 and /usr/bin/grpc_cpp_plugin 1.51, from
the protobuf-compiler and protobuf-compiler-grpc packages) whose output matches the
libprotobuf and libgrpc++ that //third_party links.

The one idea to keep in mind is the *import root*: the directory that proto import
paths (and C++ include paths) are relative to. For the xDS tree

    api/envoy/config/core/v3/base.proto     imported as "envoy/config/core/v3/base.proto"
    api/envoy/service/discovery/v3/ads.proto

the import root is "api", so C++ includes "envoy/config/core/v3/base.pb.h".

Usage, one BUILD file per proto directory (the envoy layout):

    # api/envoy/config/core/v3/BUILD.bazel
    load("//tools/build:proto.bzl", "weft_cc_proto_library")

    weft_cc_proto_library(
        name = "core",
        srcs = ["base.proto", "address.proto"],
        import_root = "api",
        deps = ["//api/google/rpc:status"],   # other weft_cc_proto_library targets
    )

or one BUILD file at the import root listing sources in subdirectories:

    # api/BUILD.bazel
    weft_cc_proto_library(
        name = "xds",
        srcs = glob(["envoy/**/*.proto"]),
        import_root = "api",
        grpc = True,
    )

Well-known types (google/protobuf/{any,duration,struct,wrappers,timestamp,empty,
field_mask,descriptor}.proto) are imported as usual and need no dependency: protoc
finds them in /usr/include and their C++ code is part of libprotobuf.

google/rpc/status.proto is NOT shipped by any installed Debian package; a project
copy must be written (e.g. api/google/rpc/status.proto with import_root "api").
"""

WeftProtoInfo = provider(
    doc = "Proto sources and import roots a weft_cc_proto_library makes visible to protoc.",
    fields = {
        "sources": "depset of .proto Files: these sources and those of all deps.",
        "import_dirs": "depset of execroot-relative directories to pass to protoc as -I.",
    },
)

_PROTOC = "/usr/bin/protoc"
_GRPC_CPP_PLUGIN = "/usr/bin/grpc_cpp_plugin"

# Where protoc finds the well-known types (google/protobuf/*.proto).
_SYSTEM_PROTO_DIR = "/usr/include"

# Extra flags for compiling generated code, which gets the workspace's -Wall -Wextra
# -Werror under //api/... and friends. protoc 3.21 / grpc 1.51 output is clean with
# gcc 12 and clang 14 except that protos with deprecated fields, enum values or
# messages (common in the xDS API) make the generated code name deprecated
# declarations. Unused parameters are already off workspace-wide; repeated here so
# the macro behaves the same in any package.
_GENERATED_COPTS = [
    "-Wno-unused-parameter",
    "-Wno-deprecated-declarations",
]

def _join(*parts):
    return "/".join([p for p in parts if p])

def _weft_proto_gen_impl(ctx):
    root = ctx.attr.import_root
    pkg = ctx.label.package
    repo_root = ctx.label.workspace_root  # "" in the main repository.
    import_dir = _join(repo_root, root) or "."

    # Outputs go to <package>/<include_dir>/<import path>, a tree of this target's
    # own that the cc_library puts on the include path.
    out_dir = _join(ctx.bin_dir.path, repo_root, pkg, ctx.attr.include_dir)

    import_paths = []
    outputs = {"headers": [], "sources": []}
    for src in ctx.files.srcs:
        # Repository-relative path of the source, e.g. "api/envoy/config/core/v3/base.proto".
        path = src.path[len(repo_root) + 1:] if repo_root else src.path
        if not src.is_source:
            fail("%s: generated .proto files are not supported" % src.path)
        if pkg and not path.startswith(pkg + "/"):
            fail("%s is not in package //%s; list it in its own package" % (path, pkg))
        if root and not path.startswith(root + "/"):
            fail("%s is not under import_root '%s'" % (path, root))
        import_path = path[len(root) + 1:] if root else path
        import_paths.append(import_path)

        stem = ctx.attr.include_dir + "/" + import_path[:-len(".proto")]
        outputs["headers"].append(ctx.actions.declare_file(stem + ".pb.h"))
        outputs["sources"].append(ctx.actions.declare_file(stem + ".pb.cc"))
        if ctx.attr.grpc:
            outputs["headers"].append(ctx.actions.declare_file(stem + ".grpc.pb.h"))
            outputs["sources"].append(ctx.actions.declare_file(stem + ".grpc.pb.cc"))

    descriptor_set = ctx.actions.declare_file(ctx.label.name + ".descriptor_set.pb")

    dep_infos = [d[WeftProtoInfo] for d in ctx.attr.deps]
    sources = depset(
        ctx.files.srcs,
        transitive = [i.sources for i in dep_infos],
    )
    import_dirs = depset(
        [import_dir],
        transitive = [i.import_dirs for i in dep_infos],
        order = "preorder",  # Own root first.
    )

    args = ctx.actions.args()
    args.add_all(import_dirs, format_each = "-I%s")
    args.add("-I" + _SYSTEM_PROTO_DIR)
    args.add("--cpp_out=" + out_dir)
    if ctx.attr.grpc:
        args.add("--plugin=protoc-gen-grpc=" + _GRPC_CPP_PLUGIN)
        args.add("--grpc_out=" + out_dir)
    args.add("--include_imports")
    args.add("--descriptor_set_out=" + descriptor_set.path)

    # Virtual (import) paths, not disk paths, so that overlapping -I roots cannot
    # make one file visible under two names.
    args.add_all(import_paths)

    ctx.actions.run(
        executable = _PROTOC,
        arguments = [args],
        inputs = sources,
        outputs = outputs["headers"] + outputs["sources"] + [descriptor_set],
        mnemonic = "WeftProtoc",
        progress_message = "Generating C++ from protos of %s" % ctx.label,
    )

    return [
        DefaultInfo(files = depset(outputs["headers"] + outputs["sources"])),
        OutputGroupInfo(
            headers = depset(outputs["headers"]),
            sources = depset(outputs["sources"]),
            descriptor_set = depset([descriptor_set]),
        ),
        WeftProtoInfo(sources = sources, import_dirs = import_dirs),
    ]

_weft_proto_gen = rule(
    implementation = _weft_proto_gen_impl,
    attrs = {
        "srcs": attr.label_list(allow_files = [".proto"], allow_empty = False),
        "deps": attr.label_list(providers = [WeftProtoInfo]),
        "import_root": attr.string(),
        "include_dir": attr.string(mandatory = True),
        "grpc": attr.bool(default = False),
    },
    doc = "Runs protoc (and grpc_cpp_plugin) over srcs; see weft_cc_proto_library.",
)

def _gen_label(dep):
    """Maps a weft_cc_proto_library label to the label of its protoc rule."""
    if ":" not in dep:
        if dep.startswith("//") or dep.startswith("@"):
            dep = dep + ":" + dep.rsplit("/", 1)[-1]  # //api/foo -> //api/foo:foo
        else:
            dep = ":" + dep
    return dep + "_genproto"

def weft_cc_proto_library(
        name,
        srcs,
        deps = [],
        grpc = False,
        import_root = None,
        copts = [],
        visibility = None,
        testonly = False,
        **kwargs):
    """C++ messages (and optionally gRPC stubs) for .proto files, as a cc_library.

    For every src "<import_root>/a/b/foo.proto" this generates a/b/foo.pb.{h,cc}
    (plus a/b/foo.grpc.pb.{h,cc} when grpc = True) under _pb_<name>/ in this
    package's output tree, and a cc_library `name` whose users include
    "a/b/foo.pb.h" (the tree is on their include path as -isystem). Also defines:
      <name>_genproto   the protoc action; output group "descriptor_set" holds a
                        FileDescriptorSet (with imports) for tools such as Python
                        clients that load descriptors at run time.

    Args:
      name: name of the cc_library.
      srcs: .proto files in this package (may be in subdirectories of it).
      deps: other weft_cc_proto_library targets whose protos srcs import. Their
        .proto files and import roots are passed to protoc, and their cc_library
        is linked. Well-known types need no entry here.
      grpc: also run grpc_cpp_plugin for the services in srcs, and depend on
        //third_party:grpc.
      import_root: workspace-relative directory that import statements in srcs
        (and C++ #include lines) are relative to, e.g. "api". Defaults to this
        package's directory. Every src must be below it.
      copts: extra flags for compiling the generated code.
      visibility: visibility of the cc_library (and its helper targets).
      testonly: as for any rule.
      **kwargs: passed to the cc_library (e.g. tags).
    """
    if import_root == None:
        import_root = native.package_name()
    import_root = import_root.strip("/")

    gen = name + "_genproto"
    include_dir = "_pb_" + name
    _weft_proto_gen(
        name = gen,
        srcs = srcs,
        include_dir = include_dir,
        deps = [_gen_label(d) for d in deps],
        import_root = import_root,
        grpc = grpc,
        visibility = visibility,
        testonly = testonly,
    )
    native.filegroup(
        name = name + "_pb_hdrs",
        srcs = [":" + gen],
        output_group = "headers",
        visibility = ["//visibility:private"],
        testonly = testonly,
    )
    native.filegroup(
        name = name + "_pb_srcs",
        srcs = [":" + gen],
        output_group = "sources",
        visibility = ["//visibility:private"],
        testonly = testonly,
    )

    runtime = ["//third_party:protobuf"]
    if grpc:
        runtime.append("//third_party:grpc")

    native.cc_library(
        name = name,
        srcs = [":" + name + "_pb_srcs"],
        hdrs = [":" + name + "_pb_hdrs"],
        # The generated tree goes on dependents' include path as -isystem, so that
        # "envoy/config/core/v3/base.pb.h" resolves and warnings inside generated
        # headers (deprecated enum values, say) do not fail the -Werror builds of
        # code that includes them.
        includes = [include_dir],
        copts = _GENERATED_COPTS + copts,
        deps = deps + runtime,
        visibility = visibility,
        testonly = testonly,
        **kwargs
    )
