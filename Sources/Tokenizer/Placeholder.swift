// The tokenizer module; see Tokenizer.swift.
