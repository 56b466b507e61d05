// The model module.
