"""The privacy core: purposes, the inventory of personal data and the engines that read it."""
