# Every C API ccl's compiled modules use, declared once, apart from the logic (uvloop's
# includes/ pattern): libccl.pxd (libccl's status codes), runtime.pxd (native/ccl_*.h: the call
# runtime, entry ids, batch engine, CBOR scan), hd.pxd (native/hd/hd.h), sodium.pxd.
