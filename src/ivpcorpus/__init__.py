"""ivpcorpus: a national, comparative analysis of Dutch Integrale Veiligheidsplannen."""

__version__ = "0.1.0"
