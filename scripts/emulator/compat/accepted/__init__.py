"""What the emulator only accepts: placeholders for types nothing models, synthetic GetAtt values."""
