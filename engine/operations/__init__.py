"""Edit operations, one module per family: cuts, audio, text, frame, captions, fillers.

A family module defines its operations (frozen dataclasses with a `tool` name), reads them from a clause of
an instruction, applies them to a timeline, and describes itself as one `Family` (`engine.operations.family`);
`engine.operations.registry` lists the families in reading order. A new operation is therefore one new module
and one table entry: `engine.interpret` and `engine.turn` only walk the table.
"""
