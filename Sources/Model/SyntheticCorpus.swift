/// The English text the synthetic model's byte-level BPE merges are trained on.
///
/// Plain prose written for this lab (no quoted sources), about 7 KB. It leans on the most common English words
/// ("the", "and", "of", "to", "is", "that", "was", "with", ...) so that, as in GPT-2's vocabulary, they end up as
/// single tokens with their leading space, while rarer words stay split into pieces. Changing a single character here
/// changes the vocabulary and therefore every synthetic file, so treat it as fixed.
enum SyntheticCorpus {
    static let text = """
    The town sat at the bend of a wide river, and in the morning the water was the color of tin. People said that the \
    river had been there before the town and would be there after it, and nobody thought that this was a sad thing to \
    say. The baker was the first one up. She lit the oven before the sun came over the hill, and by the time the first \
    light reached the street, the whole block smelled of bread. Her name was Mara, and she had worked in the same small \
    shop for twenty years. She knew every person who came in, what they liked to eat, and what they would not say out \
    loud.

    On most days the first person through the door was the teacher from the school on the hill. He came for two rolls \
    and a cup of tea, and he always paid with exact change. He liked to talk about the weather, about the river, and \
    about the children in his class. "They ask me more questions than I can answer," he said one morning. "That is a \
    good sign," said Mara. "It means they are still looking at the world." He laughed and said that he hoped they would \
    never stop, and then he walked up the hill with his bag under his arm.

    The river was the reason the town was there at all. Long ago, boats came down the water with wood and grain, and \
    the people who lived on the bank built a market where the boats could stop. The market grew into a street, the \
    street grew into a town, and the town grew slowly over the years into the place it is now. There are still old \
    stones in the wall by the water where the boats were tied, and children like to sit on them in the summer and \
    watch the light move on the surface of the river.

    In the afternoon the wind came up from the west. It bent the tall grass in the fields and pushed small waves \
    against the stones. The farmers on the other side of the river looked at the sky and tried to decide if it would \
    rain. Some of them said yes, and some of them said no, and all of them went back to work, because the work had to \
    be done either way. When the rain did come, it came all at once, and then it was gone, and the fields were bright \
    and green in the evening sun.

    A machine is a simple thing when you look at it one part at a time. A wheel turns, a gear turns another gear, and \
    a lever moves a weight that a person could not move by hand. What makes a machine useful is that each part does \
    one small job, and does it the same way every time. The old mill by the river was like that. The water turned the \
    wheel, the wheel turned the stone, and the stone turned grain into flour. Nobody in the town had to understand all \
    of it at once to know that it worked.

    A computer is also a machine, although its parts are too small to see. It reads numbers from memory, does a little \
    arithmetic with them, and writes new numbers back. It does this very fast, many millions of times in a second, and \
    the speed is what makes it seem clever. When people build a language model, they store a great many numbers, called \
    weights, and the computer multiplies them with other numbers to guess which word should come next. The model does \
    not know what a river is or what bread smells like. It has only seen how words follow other words in the text that \
    it was given, and it has learned to repeat the patterns that it found there.

    The weights of a model take a lot of space, so people often store them with fewer bits. Instead of keeping every \
    number exactly, they keep a small integer for each number and one shared scale for each block of numbers. This \
    makes the model smaller and faster to read from memory, and most of the time the answers are almost the same as \
    before. The hard part is to find out which way of storing the numbers is best for a given machine, because each \
    machine has its own strengths. Some are limited by how fast they can read memory, and some are limited by how fast \
    they can do arithmetic. The only way to know for sure is to measure, and to measure carefully.

    In the evening the town was quiet again. The shops closed one by one, and the lights came on in the windows above \
    them. Mara counted the money in the drawer, wiped the counter, and set out the flour for the next day. Outside, the \
    river moved along in the dark, the way it always had. A dog barked somewhere on the far bank, and then it stopped. \
    The teacher sat at his table with a stack of papers from his class, reading what the children had written about the \
    place where they lived. One of them had written that the river was the oldest thing in the town. Another had \
    written that the bakery was the best thing in the town. He thought that both of them were right.

    There is an old story in the town about a man who tried to count the stones in the river wall. He started at one \
    end in the spring and walked along the water, counting each stone and writing the number in a little book. By the \
    summer he had reached the middle, and by the autumn he had almost reached the far end. Then the river rose in a \
    great flood, and when the water went down again, some of the stones had moved and some were gone. The man looked at \
    his book for a long time. Then he closed it, put it in his pocket, and went home to have dinner. People still tell \
    the story, and each person tells it a little differently. Some say that it is about patience. Some say that it is \
    about the river. Most of them say that it is about knowing when to stop.

    The next morning the sun came up over the hill, and the water was the color of tin again. Mara lit the oven. The \
    teacher walked down the hill for his two rolls and his cup of tea. The farmers looked at the sky. The children sat \
    on the old stones by the river and watched the light, and for a while nobody in the town needed to be anywhere else.

    """
}
