"""HDR phone video (HLG or PQ on BT.2020 primaries, 10-bit: what an iPhone records by default) turned into
the SDR BT.709 picture every player shows right.

Why: the delivered MP4 is 8-bit H.264, and the decoded frames keep their HDR tags. Without this step the
output is tagged HLG over 8-bit samples: a player that ignores the tag shows BT.2020 colours as BT.709
(grey and washed out), one that honours it shows banding. The conversion goes to linear light with the
diffuse white at 203 cd/m² (the reference white BT.2408 gives HLG and PQ) as 1.0, from BT.2020 to BT.709
primaries, rolls off the highlights above white (`mobius`, linear up to 0.85 of white, so skin and nearly
everything below white keep their colour), and back to BT.709's curve. The frame's tags are set from the
probe first, since zscale finds no conversion from unspecified ones. It runs after the crop and scale, so a
4K source is converted at the output size.
"""

from __future__ import annotations

from engine.media import MediaInfo

# FFmpeg's AVColorTransferCharacteristic values of the HDR curves phones write, by their filter names.
HDR_TRANSFERS = {16: "smpte2084", 18: "arib-std-b67"}
_REFERENCE_WHITE_NITS = 203


def sdr_filters(info: MediaInfo) -> str:
    """Filters (comma-separated, no labels) that turn `info`'s HDR picture into SDR BT.709; "" for SDR."""
    if info.hdr not in HDR_TRANSFERS.values():
        return ""
    return (
        f"setparams=color_primaries=bt2020:color_trc={info.hdr}:colorspace=bt2020nc,"
        f"zscale=t=linear:npl={_REFERENCE_WHITE_NITS},format=gbrpf32le,zscale=p=bt709,"
        "tonemap=tonemap=mobius:param=0.85:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p"
    )
